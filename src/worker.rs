//! Long runs in a Web Worker, so the page keeps drawing and a run can be stopped.
//!
//! The worker runs this same WebAssembly module (nothing is shipped twice): a few lines of
//! script, made into a module worker from a Blob, import the page's own wasm-bindgen
//! script and wasm (found from the `modulepreload`/`preload` links Trunk writes), and
//! call [`schedlab_worker_serve`] with a [`Job`]'s bytes. The answer comes back as
//! bytes ([`schedlab_app::jobs`]), bit-identical to a run in the page.
//!
//! One job at a time per [`Lane`] (a lab's runs; training; capacity searches), each lane in one worker kept
//! between jobs: a new job while one runs in its lane, or Stop, terminates that worker (its
//! run is stale) and the next job starts a fresh one. Progress messages may carry a job's
//! partial result (a training's state after each iteration). A worker that dies (a panic, a trap, a
//! failed start) answers [`Failure::Died`]; the page keeps its last good result. Where no
//! worker can start (no links: the wasm-bindgen test page), [`run`] runs the same
//! [`Task`] on the page's thread, about 8 ms of work per frame, with the same callbacks.

use std::cell::RefCell;
use std::time::Duration;

use schedlab_app::jobs::{self, Job, Outcome, Task};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Events per slice between progress reports in the worker.
const SLICE: usize = 20_000;

/// The worker's script: load the module once, then answer each request.
const SCRIPT: &str = r#"
let ready = null;
self.onmessage = (e) => {
  const d = e.data;
  if (!ready) {
    ready = import(d.js).then(async (m) => { await m.default({ module_or_path: d.wasm }); return m; });
  }
  ready.then((m) => {
    let out;
    try {
      out = m.schedlab_worker_serve(d.job, (p, part) => self.postMessage({ id: d.id, progress: p, partial: part }));
    } catch (err) {
      let why = '';
      try { why = m.schedlab_worker_panic(); } catch (_) {}
      self.postMessage({ id: d.id, died: why || String((err && err.message) || err) });
      return;
    }
    self.postMessage({ id: d.id, done: out }, [out.buffer]);
  }, (err) => self.postMessage({ id: d.id, died: 'the background worker could not start: ' + String((err && err.message) || err) }));
};
"#;

/// Why a job gave no outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The run refused its settings or hit a budget: the engine's one-line error.
    Run(String),
    /// The worker died (a panic or trap); the message says what it last said.
    Died(String),
}

/// The fraction done and [`Task::partial`]'s bytes (often empty).
type Progress = Box<dyn Fn(f64, &[u8])>;
type Done = Box<dyn FnOnce(Result<Outcome, Failure>)>;
type OnDied = Option<Box<dyn Fn(&str)>>;

/// Jobs run one at a time per lane, each lane in a worker of its own: a lab's run does not
/// stop a training or a capacity search under way, nor the reverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// A lab's run (Streams, Serving, a DAG sweep).
    Runs = 0,
    /// The Streams lab's Train panel.
    Training = 1,
    /// The Serving lab's capacity view (its searches outlast the lab's runs).
    Capacity = 2,
}

impl Lane {
    fn of(job: &Job) -> Lane {
        match job {
            Job::Train(_) => Lane::Training,
            Job::Capacity(_) => Lane::Capacity,
            _ => Lane::Runs,
        }
    }
}

/// A started worker, reused from job to job until it dies or a job is stopped.
struct Slot {
    worker: web_sys::Worker,
    // Kept alive as long as the worker.
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

/// The job the worker is on.
struct Pending {
    id: u64,
    progress: Progress,
    done: Done,
}

thread_local! {
    static SLOT: RefCell<[Option<Slot>; 3]> = const { RefCell::new([None, None, None]) };
    static PENDING: RefCell<[Option<Pending>; 3]> = const { RefCell::new([None, None, None]) };
    static NEXT_ID: RefCell<u64> = const { RefCell::new(0) };
    static PANIC: RefCell<String> = const { RefCell::new(String::new()) };
    static ON_DIED: RefCell<OnDied> = const { RefCell::new(None) };
}

/// In the worker: runs one request (a [`Job`]'s bytes) and returns the answer's bytes,
/// calling `progress` with the fraction done (every 1 %) and each partial result.
#[wasm_bindgen]
pub fn schedlab_worker_serve(request: &[u8], progress: &js_sys::Function) -> Vec<u8> {
    std::panic::set_hook(Box::new(|info| {
        PANIC.with(|p| *p.borrow_mut() = info.to_string());
    }));
    if request == DEBUG_CRASH {
        panic!("a panic in the background worker, asked for by schedlab_debug_crash_worker");
    }
    let mut last = -1.0;
    jobs::serve(request, SLICE, |p, part| {
        if p - last >= 0.01 || !part.is_empty() {
            last = p;
            let part = if part.is_empty() {
                JsValue::UNDEFINED
            } else {
                js_sys::Uint8Array::from(part).into()
            };
            let _ = progress.call2(&JsValue::NULL, &JsValue::from_f64(p), &part);
        }
    })
}

/// In the worker, after a trap: what the panic said.
#[wasm_bindgen]
pub fn schedlab_worker_panic() -> String {
    PANIC.with(|p| p.borrow().clone())
}

const DEBUG_CRASH: &[u8] = b"debug:crash";

/// The URLs of the page's own wasm-bindgen script and wasm, if Trunk linked them.
fn module_urls() -> Option<(String, String)> {
    let doc = web_sys::window()?.document()?;
    let href = |sel: &str| -> Option<String> {
        doc.query_selector(sel)
            .ok()??
            .dyn_into::<web_sys::HtmlLinkElement>()
            .ok()
            .map(|l| l.href())
    };
    Some((
        href("link[rel=modulepreload][href$='.js']")?,
        href("link[rel=preload][href$='.wasm']")?,
    ))
}

fn get(data: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(data, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Starts `lane`'s worker, whose answers go to [`answer`].
fn spawn(lane: usize) -> Option<Slot> {
    let parts = js_sys::Array::of1(&JsValue::from_str(SCRIPT));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let opts = web_sys::WorkerOptions::new();
    opts.set_type(web_sys::WorkerType::Module);
    let worker = web_sys::Worker::new_with_options(&url, &opts).ok();
    let _ = web_sys::Url::revoke_object_url(&url);
    let worker = worker?;
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|e: web_sys::MessageEvent| {
            answer(&e.data())
        });
    let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |e: web_sys::ErrorEvent| {
        e.prevent_default();
        let id = PENDING.with(|p| p.borrow()[lane].as_ref().map(|p| p.id));
        if let Some(id) = id {
            finish(id, Err(Failure::Died(e.message())));
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Some(Slot {
        worker,
        _on_message: on_message,
        _on_error: on_error,
    })
}

/// A message from the worker: progress, an answer, or its death.
fn answer(d: &JsValue) {
    let Some(id) = get(d, "id").as_f64().map(|x| x as u64) else {
        return;
    };
    if let Some(p) = get(d, "progress").as_f64() {
        let part = get(d, "partial");
        let part = if part.is_undefined() {
            Vec::new()
        } else {
            js_sys::Uint8Array::new(&part).to_vec()
        };
        report(id, p, &part);
    } else if let Some(why) = get(d, "died").as_string() {
        finish(id, Err(Failure::Died(why)));
    } else {
        let bytes = js_sys::Uint8Array::new(&get(d, "done")).to_vec();
        let r = match jobs::decode_reply(&bytes) {
            Ok(Ok(o)) => Ok(o),
            Ok(Err(e)) => Err(Failure::Run(e)),
            Err(e) => Err(Failure::Died(e)),
        };
        finish(id, r);
    }
}

/// The lane job `id` runs in, while it is a current job.
fn lane_of(id: u64) -> Option<usize> {
    PENDING.with(|p| {
        p.borrow()
            .iter()
            .position(|j| j.as_ref().is_some_and(|j| j.id == id))
    })
}

/// Tells job `id` (if it is still a current one) how far it is.
fn report(id: u64, p: f64, part: &[u8]) {
    PENDING.with(|pending| {
        if let Some(job) = pending.borrow().iter().flatten().find(|j| j.id == id) {
            (job.progress)(p, part);
        }
    });
}

/// Ends job `id` (if it is still the current one) with `result`. A dead worker is
/// dropped (the next job starts a fresh one) and the page's error panel is told.
fn finish(id: u64, result: Result<Outcome, Failure>) {
    let Some(lane) = lane_of(id) else {
        return;
    };
    let Some(job) = PENDING.with(|p| p.borrow_mut()[lane].take()) else {
        return;
    };
    if let Err(Failure::Died(why)) = &result {
        if let Some(slot) = SLOT.with(|s| s.borrow_mut()[lane].take()) {
            slot.worker.terminate();
        }
        ON_DIED.with(|d| {
            if let Some(f) = d.borrow().as_ref() {
                f(why)
            }
        });
    }
    (job.done)(result);
}

/// Sends `bytes` to `lane`'s worker (a fresh one if the last died or was stopped) as job
/// `id`; false when no worker can take it.
fn send(lane: usize, id: u64, bytes: &[u8]) -> bool {
    let Some((js, wasm)) = module_urls() else {
        return false;
    };
    let ok = SLOT.with(|s| {
        let s = &mut s.borrow_mut()[lane];
        if s.is_none() {
            *s = spawn(lane);
        }
        s.is_some()
    });
    if !ok {
        return false;
    }
    let msg = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| {
        let _ = js_sys::Reflect::set(&msg, &JsValue::from_str(k), v);
    };
    set("id", &JsValue::from_f64(id as f64));
    set("js", &JsValue::from_str(&js));
    set("wasm", &JsValue::from_str(&wasm));
    set("job", &js_sys::Uint8Array::from(bytes).into());
    SLOT.with(|s| {
        s.borrow()[lane]
            .as_ref()
            .is_some_and(|slot| slot.worker.post_message(&msg).is_ok())
    })
}

/// Job `id` on the page's own thread, about 8 ms of work per frame (`budget` events,
/// adapted to how long the last slice took), the first slice after `delay_ms` (so what a
/// lab drew at once is painted first).
fn in_page(id: u64, mut task: Task, budget: usize, delay_ms: u64) {
    leptos::prelude::set_timeout(
        move || {
            if lane_of(id).is_none() {
                return;
            }
            let t1 = crate::browser::now_ms();
            match task.advance(budget) {
                Ok(Some(o)) => finish(id, Ok(o)),
                Ok(None) => {
                    let part = task.partial();
                    report(id, task.progress(), &part);
                    let took = (crate::browser::now_ms() - t1).max(0.1);
                    let next = ((budget as f64) * 8.0 / took).clamp(200.0, 200_000.0) as usize;
                    in_page(id, task, next, 0);
                }
                Err(e) => finish(id, Err(Failure::Run(e))),
            }
        },
        Duration::from_millis(delay_ms),
    );
}

/// Makes a new job `lane`'s current one (a job still running there is stale: it is
/// stopped, with its worker, which is busy with it); its id.
fn begin(lane: Lane, progress: Progress, done: Done) -> u64 {
    stop(lane);
    let id = NEXT_ID.with(|n| {
        *n.borrow_mut() += 1;
        *n.borrow()
    });
    PENDING.with(|p| p.borrow_mut()[lane as usize] = Some(Pending { id, progress, done }));
    id
}

/// Runs `job` in the background worker (on the page's thread where no worker can start):
/// `progress` gets the fraction done now and then and each partial result, `done` the
/// outcome (neither is called once a newer job or [`stop`] replaces this one).
pub fn run(
    job: Job,
    progress: impl Fn(f64, &[u8]) + 'static,
    done: impl FnOnce(Result<Outcome, Failure>) + 'static,
) {
    let lane = Lane::of(&job);
    let id = begin(lane, Box::new(progress), Box::new(done));
    if !send(lane as usize, id, &jobs::encode_job(&job)) {
        match Task::new(job) {
            Ok(task) => in_page(id, task, 4000, 30),
            Err(e) => finish(id, Err(Failure::Run(e))),
        }
    }
}

/// Stops `lane`'s running job, if any, with its worker (its `done` is not called).
pub fn stop(lane: Lane) {
    let lane = lane as usize;
    if PENDING.with(|p| p.borrow_mut()[lane].take()).is_some() {
        if let Some(slot) = SLOT.with(|s| s.borrow_mut()[lane].take()) {
            slot.worker.terminate();
        }
    }
}

/// What the page does when a worker dies (shows its error panel); set once by the app.
pub fn set_on_died(f: impl Fn(&str) + 'static) {
    ON_DIED.with(|d| *d.borrow_mut() = Some(Box::new(f)));
}

/// For the browser tests: makes the background worker panic, as a bug would.
#[wasm_bindgen]
pub fn schedlab_debug_crash_worker() {
    let id = begin(Lane::Runs, Box::new(|_, _| {}), Box::new(|_| {}));
    if !send(Lane::Runs as usize, id, DEBUG_CRASH) {
        stop(Lane::Runs);
    }
}

/// For the browser tests: a panic on the page's own thread (the panic panel).
#[wasm_bindgen]
pub fn schedlab_debug_panic() {
    panic!("a panic on the page, asked for by schedlab_debug_panic");
}
