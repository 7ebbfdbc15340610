//! The backend fetch layer: a connection and a URL in, the answer's bytes or a
//! [`Failure`] out. Requests go with `credentials: 'omit'` (cookies only when the
//! connection says "send cookies"), `Accept: application/json` and the connection's
//! header. A `TypeError` (nothing answered, or CORS) is told apart by a second request
//! with `mode: 'no-cors'`, which succeeds only when something answered.

use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCredentials, RequestInit, RequestMode, Response};

use crate::backend::failure::{body_message, Failure, ERROR_BODY_MAX_BYTES};
use crate::backend::Connection;

/// A successful answer: its bytes as a JS buffer (not copied into wasm memory).
pub struct Answer {
    pub buffer: ArrayBuffer,
}

impl Answer {
    /// The whole answer copied into wasm memory (for small answers: searches, lists).
    pub fn bytes(&self) -> Vec<u8> {
        Uint8Array::new(&self.buffer).to_vec()
    }

    /// At most the first `n` bytes.
    pub fn head(&self, n: usize) -> Vec<u8> {
        let arr = Uint8Array::new(&self.buffer);
        let end = (n as u32).min(arr.length());
        arr.subarray(0, end).to_vec()
    }

    pub fn len(&self) -> usize {
        self.buffer.byte_length() as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn init(c: &Connection) -> RequestInit {
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_mode(RequestMode::Cors);
    init.set_credentials(if c.send_cookies { RequestCredentials::Include } else { RequestCredentials::Omit });
    if let Ok(h) = web_sys::Headers::new() {
        let _ = h.append("Accept", "application/json");
        if let Some((name, value)) = &c.header {
            let _ = h.append(name, value);
        }
        init.set_headers(&h);
    }
    init
}

/// Whether anything answers at `url`: a `no-cors` request resolves (opaquely) when it does.
async fn reachable(url: &str) -> bool {
    let Some(w) = web_sys::window() else { return false };
    let init = RequestInit::new();
    init.set_mode(RequestMode::NoCors);
    init.set_credentials(RequestCredentials::Omit);
    JsFuture::from(w.fetch_with_str_and_init(url, &init)).await.is_ok()
}

/// GETs `url` for connection `c`.
pub async fn get(c: &Connection, url: &str) -> Result<Answer, Failure> {
    let w = web_sys::window().ok_or(Failure::Unreachable)?;
    let resp = match JsFuture::from(w.fetch_with_str_and_init(url, &init(c))).await {
        Ok(r) => r,
        Err(_) => return Err(if reachable(url).await { Failure::Cors } else { Failure::Unreachable }),
    };
    let resp: Response = resp.dyn_into().map_err(|_| Failure::Unreachable)?;
    let buffer = match resp.array_buffer() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|b| b.dyn_into::<ArrayBuffer>().ok()),
        Err(_) => None,
    };
    if !resp.ok() {
        let head = |b: &ArrayBuffer| {
            let n = (b.byte_length() as usize).min(ERROR_BODY_MAX_BYTES);
            Uint8Array::new_with_byte_offset_and_length(b, 0, n as u32).to_vec()
        };
        let message = buffer.as_ref().and_then(|b| body_message(&head(b)));
        return Err(Failure::Http { status: resp.status(), status_text: resp.status_text(), message });
    }
    buffer.map(|buffer| Answer { buffer }).ok_or(Failure::Unreachable)
}

/// GETs the first of `urls` that does not answer 404 (the API versions, newest last).
pub async fn get_first(c: &Connection, urls: &[String]) -> Result<(Answer, String), (Failure, String)> {
    for (i, url) in urls.iter().enumerate() {
        match get(c, url).await {
            Ok(a) => return Ok((a, url.clone())),
            // Only a 404 moves on to the next version of the API.
            Err(Failure::Http { status: 404, .. }) if i + 1 < urls.len() => {}
            Err(f) => return Err((f, url.clone())),
        }
    }
    Err((Failure::Unreachable, c.base.clone()))
}
