//! The few browser services the app uses, each behind a small function that fails softly
//! (an unavailable storage or clipboard never breaks the page).

use wasm_bindgen::{JsCast, JsValue};

/// localStorage key of the autosave.
pub const AUTOSAVE_KEY: &str = "schedlab.autosave";

pub fn window() -> web_sys::Window {
    web_sys::window().expect("a browser window")
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// A value kept in the browser's storage (None where there is no storage).
pub fn stored(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

pub fn store(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}

pub fn load_autosave() -> Option<String> {
    storage()?.get_item(AUTOSAVE_KEY).ok().flatten()
}

pub fn save_autosave(link: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(AUTOSAVE_KEY, link);
    }
}

pub fn clear_autosave() {
    if let Some(s) = storage() {
        let _ = s.remove_item(AUTOSAVE_KEY);
    }
}

/// The URL fragment without `#` (empty if none).
pub fn fragment() -> String {
    window()
        .location()
        .hash()
        .unwrap_or_default()
        .trim_start_matches('#')
        .to_string()
}

/// Replaces the fragment without adding a history entry or scrolling.
pub fn set_fragment(fragment: &str) {
    let w = window();
    let url = format!(
        "{}{}#{}",
        w.location().pathname().unwrap_or_default(),
        w.location().search().unwrap_or_default(),
        fragment
    );
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// The page's full URL (what "copy link" copies).
pub fn href() -> String {
    window().location().href().unwrap_or_default()
}

pub fn copy_to_clipboard(text: &str) {
    let clipboard = window().navigator().clipboard();
    let _ = clipboard.write_text(text);
}

/// Starts a download of `data` as `name`.
pub fn download(name: &str, mime: &str, data: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(data));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    download_url(name, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Starts a download of a URL (object URL or data URL).
pub fn download_url(name: &str, url: &str) {
    let doc = window().document().expect("document");
    let Ok(a) = doc.create_element("a") else {
        return;
    };
    let a: web_sys::HtmlAnchorElement = a.unchecked_into();
    a.set_href(url);
    a.set_download(name);
    if let Some(body) = doc.body() {
        let _ = body.append_child(&a);
        a.click();
        let _ = body.remove_child(&a);
    }
}

/// Downloads the canvas with this test id as a PNG.
pub fn download_canvas_png(testid: &str, file: &str) {
    let canvas = window().document().and_then(|d| {
        d.query_selector(&format!("[data-testid={testid}]"))
            .ok()
            .flatten()
    });
    if let Some(c) = canvas.and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok()) {
        if let Ok(url) = c.to_data_url_with_type("image/png") {
            download_url(file, &url);
        }
    }
}

/// Reads files as text: (name, text) pairs; a file over `max_bytes` is refused unread.
pub async fn read_files(
    files: web_sys::FileList,
    max_bytes: usize,
) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for i in 0..files.length() {
        let Some(f) = files.get(i) else { continue };
        if f.size() > max_bytes as f64 {
            return Err(too_large(&f.name(), max_bytes));
        }
        let text = wasm_bindgen_futures::JsFuture::from(f.text())
            .await
            .map_err(|_| format!("cannot read {}", f.name()))?;
        out.push((f.name(), text.as_string().unwrap_or_default()));
    }
    Ok(out)
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The Compression Streams API (web-sys has it behind its unstable-APIs flag only).
    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &CompressionStream) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &CompressionStream) -> web_sys::WritableStream;
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The Decompression Streams API, bound the same way.
    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &DecompressionStream) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &DecompressionStream) -> web_sys::WritableStream;
    /// A stream's default reader (web-sys's binding needs two more features).
    type Reader;
    #[wasm_bindgen(method)]
    fn read(this: &Reader) -> js_sys::Promise;
    #[wasm_bindgen(method)]
    fn cancel(this: &Reader) -> js_sys::Promise;
}

/// `data` piped through a transform stream's two ends.
fn pipe(
    data: &[u8],
    readable: &web_sys::ReadableStream,
    writable: &web_sys::WritableStream,
) -> Option<web_sys::ReadableStream> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(data));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).ok()?;
    let pair = web_sys::ReadableWritablePair::new(readable, writable);
    Some(blob.stream().pipe_through(&pair))
}

/// `data` compressed to raw deflate by the browser, if it can.
async fn deflate_raw(data: &[u8]) -> Option<Vec<u8>> {
    use wasm_bindgen_futures::JsFuture;
    let cs = CompressionStream::new("deflate-raw").ok()?;
    let body = pipe(data, &cs.readable(), &cs.writable())?;
    let resp = web_sys::Response::new_with_opt_readable_stream(Some(&body)).ok()?;
    let buf = JsFuture::from(resp.array_buffer().ok()?).await.ok()?;
    Some(js_sys::Uint8Array::new(&buf).to_vec())
}

/// `data`, raw deflate, inflated by the browser a chunk at a time and refused as soon as
/// it passes `limit` bytes (a decompression bomb costs at most one chunk over the limit).
pub async fn inflate_raw(data: &[u8], limit: usize) -> Result<Vec<u8>, String> {
    use schedlab_app::link::NOT_DEFLATE;
    use wasm_bindgen_futures::JsFuture;
    // A browser without it wrote its own links and autosave as stored blocks: those it
    // still reads.
    let Ok(ds) = DecompressionStream::new("deflate-raw") else {
        return schedlab_app::link::unstore(data)
            .ok_or_else(|| "this browser cannot open compressed links".to_string());
    };
    let body = pipe(data, &ds.readable(), &ds.writable()).ok_or(NOT_DEFLATE)?;
    let reader: Reader = body.get_reader().unchecked_into();
    let mut out = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|_| NOT_DEFLATE)?;
        let field = |name: &str| js_sys::Reflect::get(&chunk, &JsValue::from_str(name));
        if field("done").ok().and_then(|d| d.as_bool()) != Some(false) {
            return Ok(out);
        }
        let value: js_sys::Uint8Array = field("value").map_err(|_| NOT_DEFLATE)?.unchecked_into();
        let at = out.len();
        if at + value.length() as usize > limit {
            let _ = reader.cancel();
            return Err(schedlab_app::link::TOO_LARGE.into());
        }
        out.resize(at + value.length() as usize, 0);
        value.copy_to(&mut out[at..]);
    }
}

/// The state a link (a URL fragment) carries: framed and read by `schedlab_app::link`,
/// inflated by the browser.
pub async fn decode_link(fragment: &str) -> Result<schedlab_app::state::AppState, String> {
    use schedlab_app::link;
    let packed = link::unframe(fragment)?;
    let json = inflate_raw(&packed, link::MAX_LINK_JSON_BYTES).await?;
    link::read(&json)
}

thread_local! {
    /// Whether the URL's fragment is the link of the state on screen (the autosave wrote
    /// it after the last edit): Share then copies it at once, inside the click, which
    /// every browser's clipboard allows.
    static LINK_FRESH: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Records whether the URL's fragment is the current state's link.
pub fn set_link_fresh(fresh: bool) {
    LINK_FRESH.with(|f| f.set(fresh));
}

pub fn link_is_fresh() -> bool {
    LINK_FRESH.with(|f| f.get())
}

/// The share link of `state` (without `#`): its JSON deflated by the browser (stored
/// uncompressed where the browser cannot), the same format [`decode_link`] and the CLI read.
pub async fn link_of(state: &schedlab_app::state::AppState) -> String {
    use schedlab_app::link;
    let json = link::json(state);
    match deflate_raw(&json).await {
        Some(packed) => link::frame(&packed),
        None => link::frame(&link::stored(&json)),
    }
}

/// Fetches a file beside the page (a preset) as text; `Err` names what failed.
pub async fn fetch_text(url: &str) -> Result<String, String> {
    use wasm_bindgen_futures::JsFuture;
    let fail = |what: &str| format!("cannot load {url}: {what}");
    let resp = JsFuture::from(window().fetch_with_str(url))
        .await
        .map_err(|_| fail("the network request failed"))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| fail("no response"))?;
    if !resp.ok() {
        return Err(fail(&format!("HTTP {}", resp.status())));
    }
    let text = resp.text().map_err(|_| fail("unreadable body"))?;
    let text = JsFuture::from(text)
        .await
        .map_err(|_| fail("unreadable body"))?;
    Ok(text.as_string().unwrap_or_default())
}

/// The refusal of a file over the cap.
pub fn too_large(name: &str, max_bytes: usize) -> String {
    if max_bytes >= 1 << 20 {
        format!("{name} is larger than {} MiB", max_bytes >> 20)
    } else {
        format!("{name} is larger than {} KiB", (max_bytes >> 10).max(1))
    }
}

/// `window.schedlabStats`, created on first use: numbers for the performance script.
fn stats() -> JsValue {
    let w = window();
    let key = JsValue::from_str("schedlabStats");
    js_sys::Reflect::get(&w, &key)
        .ok()
        .filter(|v| v.is_object())
        .unwrap_or_else(|| {
            let o: JsValue = js_sys::Object::new().into();
            let _ = js_sys::Reflect::set(&w, &key, &o);
            o
        })
}

fn stat(key: &str) -> f64 {
    js_sys::Reflect::get(&stats(), &JsValue::from_str(key))
        .ok()
        .and_then(|x| x.as_f64())
        .unwrap_or(0.0)
}

/// Sets `window.schedlabStats[key] = value`.
pub fn record(key: &str, value: f64) {
    let _ = js_sys::Reflect::set(&stats(), &JsValue::from_str(key), &JsValue::from_f64(value));
}

/// Counts a drawn frame and its drawing time.
pub fn record_frame(draw_ms: f64) {
    record("lastDrawMs", draw_ms);
    record("frames", stat("frames") + 1.0);
    record("drawMs", stat("drawMs") + draw_ms);
    record("maxDrawMs", stat("maxDrawMs").max(draw_ms));
}

/// Calls `f` whenever the page switches between light and dark.
pub fn on_scheme_change(f: impl Fn(bool) + 'static) {
    let Some(m) = window()
        .match_media("(prefers-color-scheme: dark)")
        .ok()
        .flatten()
    else {
        return;
    };
    let cb = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || f(prefers_dark()));
    let _ = m.add_event_listener_with_callback("change", cb.as_ref().unchecked_ref());
    // The listener lives as long as the page.
    cb.forget();
}

pub fn prefers_dark() -> bool {
    window()
        .match_media("(prefers-color-scheme: dark)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches())
}

/// Milliseconds since the page loaded (for animation; never for results).
pub fn now_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// A fresh random seed from the browser's entropy (getrandom).
pub fn random_seed() -> u64 {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        return (now_ms() * 1000.0) as u64;
    }
    u64::from_le_bytes(b) % 1_000_000_000
}

/// Shows a fatal-error panel with a reset button: installed as the panic hook, so a Rust
/// panic never leaves a dead, blank page.
pub fn install_panic_panel() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Some(body) = doc.body() else { return };
        let msg = info.to_string().replace('&', "&amp;").replace('<', "&lt;");
        let html = format!(
            "<div class=\"panic-panel\" role=\"alert\" data-testid=\"panic-panel\"><h2>schedlab stopped on an internal error</h2>\
             <p>Your work is saved in this browser. Reload to continue, or reset to start from the default scenario.</p>\
             <pre>{msg}</pre><button onclick=\"location.reload()\">Reload</button> \
             <button onclick=\"localStorage.removeItem('{AUTOSAVE_KEY}');location.hash='';location.reload()\">Reset</button></div>"
        );
        let _ = body.insert_adjacent_html("afterbegin", &html);
    }));
}
