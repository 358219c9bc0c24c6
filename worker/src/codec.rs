//! gloo-worker's codec for the page ↔ worker messages: bincode written in
//! one pass (`shared::binary`). Both ends use it (`MeshWorker`'s spawner
//! on the page, its registrar in the worker).

use js_sys::Uint8Array;
use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::binary::{from_bytes, to_bytes};
use wasm_bindgen::JsValue;

#[derive(Debug)]
pub struct OnePassBincode;

impl gloo_worker::Codec for OnePassBincode {
    fn encode<I: Serialize>(input: I) -> JsValue {
        Uint8Array::from(to_bytes(&input).as_slice()).into()
    }

    fn decode<O: DeserializeOwned>(input: JsValue) -> O {
        let bytes = Uint8Array::new(&input).to_vec();
        from_bytes(&bytes).expect("a worker message this codec did not write")
    }
}
