//! Native tests of the Streams lab's model.

mod flow {
    use super::super::*;
    use plotters::prelude::*;
    use schedlab_core::stream::Info;

    fn svg(r: &StreamsResult, col: usize, playhead: f64) -> String {
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (800, 200)).into_drawing_area();
            let g = geometry(800, 200, r);
            draw_gantt(&root, &g, r, col, playhead, false).unwrap();
            root.present().unwrap();
        }
        out
    }

    #[test]
    fn the_default_lab_shows_srpt_preempting_and_beating_fcfs() {
        let r = run_all(&StreamsSettings::default()).unwrap();
        assert_eq!(r.columns.len(), 2);
        let (srpt, fcfs) = (&r.columns[0], &r.columns[1]);
        assert!(srpt.metrics.mean_flow_time < fcfs.metrics.mean_flow_time);
        assert!(!srpt.preemption_marks.is_empty(), "SRPT preempts somewhere");
        assert!(fcfs.preemption_marks.is_empty(), "FCFS never preempts");
        assert!(srpt.competitive_ratio.unwrap() >= 1.0 - 1e-9);
        // Chunked runs equal one-go runs.
        let mut runner = Runner::new(&StreamsSettings::default()).unwrap();
        let mut calls = 0;
        while !runner.advance(3).unwrap() {
            calls += 1;
            assert!(runner.progress() <= 1.0);
        }
        assert!(calls > 10);
        assert_eq!(runner.result(), r);
        // The drawing has a bar per segment and arrival marks; nothing after the playhead
        // is drawn solid.
        let full = svg(&r, 0, r.t_max);
        let start = svg(&r, 0, 0.0);
        assert!(full.len() > start.len());
        assert!(full.contains("J1"));
        // The stepper's stops are one policy's: every stop of SRPT's is an arrival or an
        // SRPT event, and FCFS's completions that are not SRPT's are not stops of it.
        let stops = event_times(&r, 0);
        let mine = |t: f64| {
            r.arrivals.contains(&t)
                || srpt.completion.contains(&t)
                || srpt.decisions.iter().any(|d| d.time == t)
        };
        assert!(stops.iter().all(|&t| mine(t)));
        let other: Vec<f64> = fcfs
            .completion
            .iter()
            .copied()
            .filter(|&t| !mine(t))
            .collect();
        assert!(!other.is_empty(), "the policies differ somewhere");
        assert!(other.iter().all(|t| !stops.contains(t)));
        assert!(other.iter().all(|t| event_times(&r, 1).contains(t)));
        // A completion that empties the system: the job that ran is not shown running on.
        let t = schedlab_core::stream::trace::parse("typed", "A,0,2\nB,5,1\n").unwrap();
        let mut s = StreamsSettings {
            machines: 1,
            policies: vec!["fcfs".into()],
            ..StreamsSettings::default()
        };
        use_trace(&mut s, t);
        let r = run_all(&s).unwrap();
        assert_eq!(step_view(&r, 0, 1.0).unwrap().1.len(), 1, "A runs");
        assert_eq!(
            step_view(&r, 0, 2.0),
            Some((2.0, Vec::new())),
            "A done, B not yet here"
        );
        assert!(step_html(&r, 0, 3.0).contains("No job is in the system at t = 3."));
    }

    /// The textbook SRTF example (Silberschatz et al., "Operating System Concepts", §5.3):
    /// P1 0 8, P2 1 4, P3 2 9, P4 3 5, typed as a classroom table.
    fn textbook(policies: &[&str]) -> StreamsResult {
        let t = schedlab_core::stream::trace::parse("typed", "P1,0,8\nP2,1,4\nP3,2,9\nP4,3,5\n")
            .unwrap();
        let mut s = StreamsSettings {
            machines: 1,
            policies: policies.iter().map(|p| p.to_string()).collect(),
            ..StreamsSettings::default()
        };
        use_trace(&mut s, t);
        run_all(&s).unwrap()
    }

    #[test]
    fn a_typed_table_gives_the_textbook_waiting_and_turnaround_times() {
        let r = textbook(&["srpt", "fcfs", "rr:4"]);
        assert_eq!(r.job_labels, ["P1", "P2", "P3", "P4"]);
        let column = |k: usize, key: &str| -> Vec<String> {
            let t = jobs_table(&r, k);
            let at = t.screen_headers().iter().position(|h| h == key).unwrap();
            t.screen_rows().iter().map(|row| row[at].clone()).collect()
        };
        // SRTF: waiting 9, 0, 15, 2 (mean 6.5); turnaround 17, 4, 24, 7 (mean 13).
        assert_eq!(column(0, "waiting"), ["9", "0", "15", "2", "6.5"]);
        assert_eq!(column(0, "turnaround"), ["17", "4", "24", "7", "13"]);
        assert_eq!(column(0, "response"), ["0", "0", "15", "2", "4.25"]);
        // FCFS: waiting 0, 7, 10, 18 (mean 8.75).
        assert_eq!(column(1, "waiting"), ["0", "7", "10", "18", "8.75"]);
        assert_eq!(column(1, "completion"), ["8", "12", "21", "26", "16.75"]);
        // RR, q = 4: P1 0-4, P2 4-8, P3 8-12, P4 12-16, P1 16-20, P3 20-24, P4 24-25, P3 25-26.
        assert_eq!(column(2, "completion"), ["20", "8", "26", "25", "19.75"]);
        // On screen a long stream shows its first 200 jobs and still the mean row.
        let s = StreamsSettings {
            jobs: 300,
            policies: vec!["fcfs".into()],
            ..StreamsSettings::default()
        };
        let long = run_all(&s).unwrap();
        let html = jobs_html(&long, 0);
        assert!(html.contains("data-testid=\"job-row-199\"") && !html.contains("job-row-201"));
        assert!(html.contains("<td>mean</td>"), "the mean row stays");
        let csv = jobs_table(&r, 0).csv();
        assert!(csv.starts_with("job,arrival,size,start,response,completion,turnaround,waiting\nP1,0,8,0,0,17,17,9\n"), "{csv}");
    }

    #[test]
    fn long_streams_draw_one_pixel_column_at_a_time() {
        let s = StreamsSettings {
            jobs: 3000,
            load: 0.95,
            policies: vec!["ps".into()],
            ..StreamsSettings::default()
        };
        let r = run_all(&s).unwrap();
        assert!(r.columns[0].segments.len() > MAX_DRAWN_SEGMENTS);
        let out = svg(&r, 0, r.t_max / 2.0);
        // Bounded by rows × width, not by the pieces.
        assert!(
            out.matches("<rect").count() < 2 * 800,
            "{}",
            out.matches("<rect").count()
        );
        assert!(out.matches("<rect").count() > 50);
    }

    #[test]
    fn queue_policies_show_their_queues_in_order_one_lane_per_level() {
        let t = schedlab_core::stream::trace::parse("typed", "P1,0,8\nP2,1,4\nP3,2,9\nP4,3,5\n")
            .unwrap();
        let mut s = StreamsSettings {
            machines: 1,
            policies: vec!["rr:2".into(), "mlfq:1:3".into(), "srpt".into()],
            ..StreamsSettings::default()
        };
        use_trace(&mut s, t);
        let r = run_all(&s).unwrap();
        let mut seen_lanes = [0usize; 2];
        for (col, lanes) in seen_lanes.iter_mut().enumerate() {
            for d in &r.columns[col].decisions {
                let (_, rows) = step_view(&r, col, d.time + 1e-9).unwrap();
                // In each queue the places are 1..=n, and the running job is at a head.
                for level in 0..3 {
                    let mut places: Vec<usize> = rows
                        .iter()
                        .filter_map(|x| x.queue.filter(|q| q.0 == level).map(|q| q.1))
                        .collect();
                    places.sort();
                    assert_eq!(places, (1..=places.len()).collect::<Vec<_>>());
                }
                // Place k in a lane is the job k-th in that queue's recorded order.
                let mut recorded: Vec<_> = d
                    .rows
                    .iter()
                    .filter(|x| r.columns[col].completion[x.job] > d.time + 1e-9)
                    .map(|x| (x.queue.unwrap().level, x.queue.unwrap().seq, x.job))
                    .collect();
                recorded.sort();
                let mut shown: Vec<_> = rows
                    .iter()
                    .map(|x| (x.queue.unwrap().0, x.queue.unwrap().1, x.job))
                    .collect();
                shown.sort();
                let recorded: Vec<_> = recorded.iter().map(|x| (x.0, x.2)).collect();
                let shown: Vec<_> = shown.iter().map(|x| (x.0, x.2)).collect();
                assert_eq!(recorded, shown);
                let running: Vec<_> = rows.iter().filter(|x| x.running).collect();
                assert_eq!(running.len(), 1);
                assert_eq!(running[0].queue.unwrap().1, 1, "{:?}", rows);
                assert!(rows.iter().all(|x| x.key.starts_with("place ")));
                let html = step_html(&r, col, d.time + 1e-9);
                *lanes = html.matches("data-testid=\"queue-lane\"").count();
                // The chips follow the places: the head first.
                let first = html.split("data-testid=\"queue-job\"").nth(1).unwrap();
                let head = rows
                    .iter()
                    .find(|x| x.queue.map(|q| q.1) == Some(1))
                    .unwrap();
                assert!(
                    rows.len() == 1
                        || head.queue.unwrap().0 > 0
                        || first.contains(&format!(">{}<", head.label))
                );
            }
        }
        assert_eq!(seen_lanes, [1, 3], "RR has one queue, MLFQ one per level");
        // MLFQ demotes P1 after its first quantum: some decision has a job below level 0.
        assert!(r.columns[1]
            .decisions
            .iter()
            .any(|d| d.rows.iter().any(|x| x.queue.is_some_and(|q| q.level > 0))));
        // Policies without a queue draw none.
        assert!(!step_html(&r, 2, 3.5).contains("step-queues"));
    }

    #[test]
    fn step_through_explains_the_decision_at_the_playhead() {
        let r = run_all(&StreamsSettings::default()).unwrap();
        let col = &r.columns[0];
        // Find a decision with a waiting job.
        let d = col
            .decisions
            .iter()
            .find(|d| d.rows.len() >= 2)
            .expect("the queue builds up somewhere");
        let (at, rows) = step_view(&r, 0, d.time + 1e-9).unwrap();
        assert_eq!(at, d.time);
        assert!(rows[0].running && rows[0].status.starts_with("runs on M1"));
        assert!(rows.iter().any(|x| x.status == "waits"));
        // SRPT runs the job with the least remaining work.
        let rem = |s: &str| s.trim_start_matches("remaining ").parse::<f64>().unwrap();
        let run = rem(&rows[0].key);
        assert!(rows[1..].iter().all(|x| rem(&x.key) >= run));
    }

    #[test]
    fn dag_mixes_run_and_step_through_shows_tasks() {
        let s = StreamsSettings {
            mix: JobMix::Ds3,
            jobs: 20,
            load: 0.7,
            exec_noise: 0.3,
            policies: StreamsSettings::default_policies(JobMix::Ds3),
            ..StreamsSettings::default()
        };
        let r = run_all(&s).unwrap();
        assert!(r.dag && r.machine_names.len() == 16);
        assert!(r.job_labels.iter().any(|l| l.ends_with("TX")));
        let c = &r.columns[0];
        let busy = c.tasks.iter().find(|t| t.end > t.start).unwrap();
        let (_, rows) = step_view(&r, 0, (busy.start + busy.end) / 2.0).unwrap();
        assert!(rows.iter().any(|x| x.running && x.status.contains(" on ")));
        assert!(metrics_csv(&r).lines().count() == 3);
        assert!(jobs_json(&s).unwrap().contains("ds3-wifi"));
        // The file is what a JSON object with these keys writes (sorted keys, pretty).
        let Ok(crate::labs::streams::Input::Dag(d)) = s.build() else {
            panic!("a DAG stream")
        };
        let jobs: Vec<serde_json::Value> = d
            .jobs
            .iter()
            .map(|j| serde_json::json!({"arrival": j.arrival, "template": d.templates[j.template].name}))
            .collect();
        let expected = serde_json::to_string_pretty(&serde_json::json!({
            "processors": d.proc_names(), "exec_sigma": d.exec_sigma, "jobs": jobs,
        }))
        .unwrap();
        assert_eq!(jobs_json(&s).unwrap(), expected);
    }

    #[test]
    fn bad_settings_are_refused_with_a_message() {
        let mut s = StreamsSettings {
            policies: vec!["heft_rt".into()],
            ..StreamsSettings::default()
        };
        assert!(Runner::new(&s).unwrap_err().contains("unknown policy"));
        s.policies = vec!["srpt".into()];
        s.info = Info::NonClairvoyant;
        assert!(Runner::new(&s).unwrap_err().contains("sizes"));
        s.info = Info::Clairvoyant;
        s.load = f64::NAN;
        assert!(Runner::new(&s).is_err());
        s.load = 0.5;
        s.jobs = MAX_UI_JOBS + 1;
        assert!(Runner::new(&s).unwrap_err().contains("CLI"));
    }
}

mod learned {
    use super::super::*;
    use plotters::prelude::*;
    use schedlab_core::stream::dag::DagPolicy;
    use schedlab_core::stream::learned::CurvePoint;
    use std::sync::Arc;

    #[test]
    fn learned_settings_round_trip_and_bad_weights_are_refused() {
        let mut s = StreamsSettings {
            mix: JobMix::Ds3,
            jobs: 20,
            policies: vec!["learned".into(), "heft_rt".into()],
            ..StreamsSettings::default()
        };
        let mut m = s.learned_model();
        m.training = None;
        m.b2 += 1.0;
        s.learned = Some(m.clone());
        crate::limits::check_streams(&s).unwrap();
        assert_eq!(
            s.dag_policy("learned").unwrap(),
            DagPolicy::Learned(Arc::new(m))
        );
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<StreamsSettings>(&json).unwrap(), s);
        s.learned.as_mut().unwrap().w2.clear();
        assert!(crate::limits::check_streams(&s)
            .unwrap_err()
            .contains("learned policy"));
    }

    #[test]
    fn the_learning_curve_draws() {
        let pts: Vec<CurvePoint> = (0..5)
            .map(|i| CurvePoint {
                iteration: i,
                learned: 100.0 - i as f64,
                heft: 110.0,
                dls: 104.0,
                fitness: 1.0,
            })
            .collect();
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (400, 240)).into_drawing_area();
            draw_learning_curve(&root, &pts, false).unwrap();
        }
        assert!(
            out.contains("heft_rt")
                && out.contains("learned")
                && out.matches("<circle").count() >= 5
        );
        // A fine-tuning run starts at the model's iteration count: the axis counts this
        // run's iterations (0 to 40, as the status line does), in whole numbers.
        let later: Vec<CurvePoint> = (200..=240)
            .map(|i| CurvePoint {
                iteration: i,
                ..pts[0]
            })
            .collect();
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (600, 240)).into_drawing_area();
            draw_learning_curve(&root, &later, false).unwrap();
        }
        assert!(out.lines().any(|l| l.trim() == "20"), "{out}");
        assert!(!out.lines().any(|l| l.trim() == "220"), "{out}");
        assert!(
            !out.lines()
                .any(|l| ["10.0", "20.0", "30.0"].contains(&l.trim())),
            "no fractional iteration labels"
        );
    }
}
