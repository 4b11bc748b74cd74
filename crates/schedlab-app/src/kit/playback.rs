//! The one playback model of the three labs: a playhead over [0, the run's end], playing
//! or paused, a speed, stepping from event to event. The page calls [`Playback::advance`]
//! every animation frame with the time elapsed; everything else is plain arithmetic,
//! tested here.

/// Speeds the transport bar offers.
pub const SPEEDS: [f64; 6] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0];

/// A playhead and its transport.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Playback {
    /// Where the playhead is, in the run's time unit.
    pub playhead: f64,
    pub playing: bool,
    /// 1 = the whole run in `span_s` seconds.
    pub speed: f64,
    /// Seconds of wall time the whole run takes at speed 1.
    pub span_s: f64,
}

impl Playback {
    /// Paused at 0; the whole run plays in `span_s` seconds at speed 1.
    pub fn new(span_s: f64) -> Playback {
        Playback {
            playhead: 0.0,
            playing: false,
            speed: 1.0,
            span_s: if span_s > 0.0 { span_s } else { 1.0 },
        }
    }

    /// Moves the playhead on by `elapsed_ms` of wall time (while playing); stops at `t_max`.
    pub fn advance(&mut self, elapsed_ms: f64, t_max: f64) {
        if !self.playing {
            return;
        }
        let t_max = t_max.max(0.0);
        let dt = elapsed_ms.max(0.0) / 1000.0 * self.speed * t_max / self.span_s;
        self.playhead = (self.playhead + dt).clamp(0.0, t_max);
        if self.playhead >= t_max {
            self.playing = false;
        }
    }

    /// Play from the start when at the end, else from here; or pause.
    pub fn toggle(&mut self, t_max: f64) {
        if self.playing {
            self.playing = false;
        } else {
            if self.playhead >= t_max {
                self.playhead = 0.0;
            }
            self.playing = true;
        }
    }

    /// Puts the playhead at `t` (within the run), paused.
    pub fn seek(&mut self, t: f64, t_max: f64) {
        self.playing = false;
        self.playhead = clamp(t, t_max);
    }

    /// The speed, kept within what the transport offers.
    pub fn set_speed(&mut self, speed: f64) {
        self.speed = clamp_speed(speed);
    }

    /// The run's end moved from `old_end` to `new_end` (a new run, an upload, a change of
    /// noise): a playhead at the old end (or not yet placed) goes to the new end, so the last
    /// bars are drawn finished; one inside the run stays, within the new end.
    pub fn follow_end(&mut self, old_end: f64, new_end: f64) {
        let inside = self.playhead < old_end - 1e-9 * old_end.abs().max(1.0);
        // NaN is not inside: it goes to the end too.
        self.playhead = if inside {
            clamp(self.playhead, new_end)
        } else {
            new_end.max(0.0)
        };
    }

    /// Pauses and jumps to the next (or previous) of the sorted `events`; stays when there
    /// is none.
    pub fn step(&mut self, events: &[f64], forward: bool, t_max: f64) {
        self.playing = false;
        if let Some(t) = next_event(events, self.playhead, forward) {
            self.playhead = clamp(t, t_max);
        }
    }
}

/// `t` within [0, t_max] (0 when `t` is not a number).
pub fn clamp(t: f64, t_max: f64) -> f64 {
    if t.is_nan() {
        0.0
    } else {
        t.clamp(0.0, t_max.max(0.0))
    }
}

/// A speed within the transport's range.
pub fn clamp_speed(speed: f64) -> f64 {
    if speed.is_nan() {
        1.0
    } else {
        speed.clamp(SPEEDS[0], 16.0)
    }
}

/// The first of the sorted `events` after `t` (or the last before it).
pub fn next_event(events: &[f64], t: f64, forward: bool) -> Option<f64> {
    if forward {
        events.iter().copied().find(|&e| e > t + 1e-9)
    } else {
        events.iter().rev().copied().find(|&e| e < t - 1e-9)
    }
}

/// Sorted, deduplicated event times.
pub fn events(mut times: Vec<f64>) -> Vec<f64> {
    times.retain(|t| !t.is_nan());
    schedlab_core::util::sort_dyn(&mut times, &f64::total_cmp);
    times.dedup();
    times
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn playing_stops_at_the_end_of_the_run() {
        let mut p = Playback::new(10.0);
        p.advance(1000.0, 80.0);
        assert_eq!(p.playhead, 0.0, "paused: nothing moves");
        p.toggle(80.0);
        p.advance(1000.0, 80.0);
        assert!((p.playhead - 8.0).abs() < 1e-9, "{}", p.playhead);
        p.set_speed(4.0);
        p.advance(1000.0, 80.0);
        assert!((p.playhead - 40.0).abs() < 1e-9);
        p.advance(60_000.0, 80.0);
        assert_eq!(
            (p.playhead, p.playing),
            (80.0, false),
            "clamped and stopped"
        );
        p.toggle(80.0);
        assert_eq!(
            (p.playhead, p.playing),
            (0.0, true),
            "replays from the start"
        );
        p.advance(-50.0, 80.0);
        assert_eq!(p.playhead, 0.0, "time never runs backwards");
    }

    #[test]
    fn seeking_and_stepping_stay_within_the_run() {
        let mut p = Playback::new(20.0);
        p.seek(120.0, 80.0);
        assert_eq!(p.playhead, 80.0);
        p.seek(-3.0, 80.0);
        assert_eq!(p.playhead, 0.0);
        p.seek(f64::NAN, 80.0);
        assert_eq!(p.playhead, 0.0);
        let ev = events(vec![9.0, 0.0, 9.0, 27.0, 100.0]);
        assert_eq!(ev, [0.0, 9.0, 27.0, 100.0]);
        p.step(&ev, true, 80.0);
        assert_eq!(p.playhead, 9.0);
        p.step(&ev, true, 80.0);
        p.step(&ev, true, 80.0);
        assert_eq!(p.playhead, 80.0, "an event past the end clamps");
        p.step(&ev, false, 80.0);
        assert_eq!(p.playhead, 27.0);
        assert_eq!(next_event(&ev, 100.0, true), None);
        p.set_speed(1000.0);
        assert_eq!(p.speed, 16.0);
    }

    #[test]
    fn a_playhead_at_the_end_follows_the_end() {
        let mut p = Playback::new(10.0);
        p.playhead = 80.0;
        p.follow_end(80.0, 89.37);
        assert_eq!(p.playhead, 89.37, "at the old end: to the new end");
        p.follow_end(89.37, 70.0);
        assert_eq!(p.playhead, 70.0, "a shorter run: still at its end");
        p.playhead = 30.0;
        p.follow_end(70.0, 90.0);
        assert_eq!(p.playhead, 30.0, "inside the run: stays");
        p.follow_end(90.0, 20.0);
        assert_eq!(p.playhead, 20.0, "past the new end: clamped");
        p.playhead = f64::INFINITY;
        p.follow_end(0.0, 11_611.0);
        assert_eq!(p.playhead, 11_611.0, "not yet placed: the end");
        p.playhead = f64::NAN;
        p.follow_end(50.0, 60.0);
        assert_eq!(p.playhead, 60.0, "not a number: the end");
    }
}
