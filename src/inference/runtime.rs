//! ONNX Runtime, loaded at run time from a shared library (`ort`'s `load-dynamic`):
//! `$ORT_DYLIB_PATH` when set, else the copy `scripts/setup` unpacks from the PyPI
//! `onnxruntime` wheel into Kinelab's cache. One environment serves the process; a
//! library that fails to load is tried again on the next call, so fixing the path
//! does not need a restart of the app.

use std::path::PathBuf;
use std::sync::Mutex;

use ort::environment::Environment;

use super::error::{InferenceError, InferenceResult};

/// The ONNX Runtime version `scripts/setup` installs (the C API `ort` is built for).
pub const ORT_VERSION: &str = "1.31.1";

/// Where Kinelab looks for the runtime library, in order: `$ORT_DYLIB_PATH`, then
/// `<cache>/onnxruntime/<version>/libonnxruntime.so.<version>` with the cache being
/// `$KINELAB_CACHE` or the user cache folder's `kinelab`.
pub fn library_path() -> PathBuf {
    if let Some(path) = std::env::var_os("ORT_DYLIB_PATH").filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    let cache = std::env::var_os("KINELAB_CACHE")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| dirs::cache_dir().map(|d| d.join("kinelab")))
        .unwrap_or_else(|| PathBuf::from(".cache/kinelab"));
    cache
        .join("onnxruntime")
        .join(ORT_VERSION)
        .join(format!("libonnxruntime.so.{ORT_VERSION}"))
}

static ENVIRONMENT: Mutex<Option<Environment>> = Mutex::new(None);

/// The process's ONNX Runtime environment, loading the library on first use.
pub fn environment() -> InferenceResult<Environment> {
    let mut slot = ENVIRONMENT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(env) = slot.as_ref() {
        return Ok(env.clone());
    }
    let path = library_path();
    let fail = |reason: String| InferenceError::Runtime {
        path: path.clone(),
        reason,
    };
    if !path.is_file() {
        return Err(fail("no such file".into()));
    }
    let builder = ort::init_from(&path).map_err(|e| fail(e.to_string()))?;
    let env = builder
        .with_name("kinelab")
        .with_telemetry(false)
        .build()
        .map_err(|e| fail(e.to_string()))?;
    *slot = Some(env.clone());
    Ok(env)
}

/// Execution providers this runtime library was built with (ONNX Runtime's names:
/// `CUDAExecutionProvider`, `CPUExecutionProvider`, ...).
pub fn available_providers() -> InferenceResult<Vec<String>> {
    environment()?;
    let api = ort::api();
    let mut names: *mut *mut std::ffi::c_char = std::ptr::null_mut();
    let mut count: std::ffi::c_int = 0;
    // SAFETY: the API is loaded (environment() succeeded); ONNX Runtime fills `names`
    // with `count` C strings that stay valid until ReleaseAvailableProviders.
    unsafe {
        let status = (api.GetAvailableProviders)(&mut names, &mut count);
        if !status.0.is_null() {
            (api.ReleaseStatus)(status.0);
            return Ok(vec!["CPUExecutionProvider".into()]);
        }
        let mut out = Vec::with_capacity(count.max(0) as usize);
        for i in 0..count.max(0) as usize {
            let name = *names.add(i);
            if !name.is_null() {
                out.push(
                    std::ffi::CStr::from_ptr(name)
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
        let status = (api.ReleaseAvailableProviders)(names, count);
        if !status.0.is_null() {
            (api.ReleaseStatus)(status.0);
        }
        Ok(out)
    }
}
