//! Long runs in a Web Worker, so the page keeps drawing and a run can be stopped.
//!
//! The worker runs this same WebAssembly module (nothing is shipped twice): a few lines of
//! script, made into a module worker from a Blob, import the page's own wasm-bindgen
//! script and wasm (found from the `modulepreload`/`preload` links Trunk writes), and
//! call [`schedlab_worker_serve`] with a [`Job`]'s bytes. The answer comes back as
//! bytes ([`schedlab_app::jobs`]), bit-identical to a run in the page.
//!
//! One job at a time, in one worker kept between jobs: a new job while one runs, or Stop,
//! terminates that worker (its run is stale) and the next job starts a fresh one. A worker that dies (a panic, a trap, a
//! failed start) answers [`Failure::Died`]; the page keeps its last good result. Where no
//! worker can start (no links: the wasm-bindgen test page), [`run`] hands the job back
//! and the caller runs it in place.

use std::cell::RefCell;

use schedlab_app::jobs::{self, Job, Outcome};
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
      out = m.schedlab_worker_serve(d.job, (p) => self.postMessage({ id: d.id, progress: p }));
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

type Progress = Box<dyn Fn(f64)>;
type Done = Box<dyn FnOnce(Result<Outcome, Failure>)>;
type OnDied = Option<Box<dyn Fn(&str)>>;

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
    static SLOT: RefCell<Option<Slot>> = const { RefCell::new(None) };
    static PENDING: RefCell<Option<Pending>> = const { RefCell::new(None) };
    static NEXT_ID: RefCell<u64> = const { RefCell::new(0) };
    static PANIC: RefCell<String> = const { RefCell::new(String::new()) };
    static ON_DIED: RefCell<OnDied> = const { RefCell::new(None) };
}

/// In the worker: runs one request (a [`Job`]'s bytes) and returns the answer's bytes,
/// calling `progress` with the fraction done between slices.
#[wasm_bindgen]
pub fn schedlab_worker_serve(request: &[u8], progress: &js_sys::Function) -> Vec<u8> {
    std::panic::set_hook(Box::new(|info| {
        PANIC.with(|p| *p.borrow_mut() = info.to_string());
    }));
    if request == DEBUG_CRASH {
        panic!("a panic in the background worker, asked for by schedlab_debug_crash_worker");
    }
    let mut last = -1.0;
    jobs::serve(request, SLICE, |p| {
        if p - last >= 0.01 {
            last = p;
            let _ = progress.call1(&JsValue::NULL, &JsValue::from_f64(p));
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

/// Starts a worker whose answers go to [`answer`].
fn spawn() -> Option<Slot> {
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
    let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(|e: web_sys::ErrorEvent| {
        e.prevent_default();
        let id = PENDING.with(|p| p.borrow().as_ref().map(|p| p.id));
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
        PENDING.with(|pending| {
            if let Some(job) = pending.borrow().as_ref().filter(|j| j.id == id) {
                (job.progress)(p);
            }
        });
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

/// Ends job `id` (if it is still the current one) with `result`. A dead worker is
/// dropped (the next job starts a fresh one) and the page's error panel is told.
fn finish(id: u64, result: Result<Outcome, Failure>) {
    let Some(job) = PENDING.with(|p| {
        let mut p = p.borrow_mut();
        if p.as_ref().is_some_and(|j| j.id == id) {
            p.take()
        } else {
            None
        }
    }) else {
        return;
    };
    if let Err(Failure::Died(why)) = &result {
        if let Some(slot) = SLOT.with(|s| s.borrow_mut().take()) {
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

/// Sends `bytes` to the worker (a fresh one if the last died or was stopped).
fn start(bytes: &[u8], progress: Progress, done: Done) -> Result<(), Done> {
    let Some((js, wasm)) = module_urls() else {
        return Err(done);
    };
    // A job still running is stale: stop it (and its worker, which is busy with it).
    stop();
    let ok = SLOT.with(|s| {
        let mut s = s.borrow_mut();
        if s.is_none() {
            *s = spawn();
        }
        s.is_some()
    });
    if !ok {
        return Err(done);
    }
    let id = NEXT_ID.with(|n| {
        *n.borrow_mut() += 1;
        *n.borrow()
    });
    let msg = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| {
        let _ = js_sys::Reflect::set(&msg, &JsValue::from_str(k), v);
    };
    set("id", &JsValue::from_f64(id as f64));
    set("js", &JsValue::from_str(&js));
    set("wasm", &JsValue::from_str(&wasm));
    set("job", &js_sys::Uint8Array::from(bytes).into());
    let sent = SLOT.with(|s| {
        s.borrow()
            .as_ref()
            .is_some_and(|slot| slot.worker.post_message(&msg).is_ok())
    });
    if !sent {
        return Err(done);
    }
    PENDING.with(|p| *p.borrow_mut() = Some(Pending { id, progress, done }));
    Ok(())
}

/// Runs `job` in the background worker: `progress` gets the fraction done now and then,
/// `done` the outcome (not called if a newer job or [`stop`] replaces this one). A
/// running job is replaced. Where no worker can start, hands the job back (run it in
/// place).
pub fn run(
    job: Job,
    progress: impl Fn(f64) + 'static,
    done: impl FnOnce(Result<Outcome, Failure>) + 'static,
) -> Result<(), Box<Job>> {
    let bytes = jobs::encode_job(&job);
    start(&bytes, Box::new(progress), Box::new(done)).map_err(|_| Box::new(job))
}

/// Whether a job is running in the background.
pub fn busy() -> bool {
    PENDING.with(|p| p.borrow().is_some())
}

/// Stops the running job, if any, with its worker (its `done` is not called).
pub fn stop() {
    if PENDING.with(|p| p.borrow_mut().take()).is_some() {
        if let Some(slot) = SLOT.with(|s| s.borrow_mut().take()) {
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
    let _ = start(DEBUG_CRASH, Box::new(|_| {}), Box::new(|_| {}));
}

/// For the browser tests: a panic on the page's own thread (the panic panel).
#[wasm_bindgen]
pub fn schedlab_debug_panic() {
    panic!("a panic on the page, asked for by schedlab_debug_panic");
}
