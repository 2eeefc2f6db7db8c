//! What Kinelab checks in an `.onnx` file before ONNX Runtime opens it: that it is an
//! ONNX model at all (a `ModelProto` with an IR version and a graph), its
//! `metadata_props`, and every tensor whose weights live in external data files, which
//! must lie inside the model's folder (a model file is not allowed to make Kinelab read
//! `/etc/passwd` or a file two folders up). The protobuf wire format is walked by hand:
//! the few fields needed do not justify a generated ONNX schema.

use std::collections::BTreeMap;
use std::path::{Component, Path};

use super::error::{InferenceError, InferenceResult};

/// The facts of a model file that Kinelab reads itself.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OnnxFacts {
    pub ir_version: i64,
    pub producer_name: String,
    /// `metadata_props`: Ultralytics writes `kpt_shape`, `imgsz`, `names` here.
    pub metadata: BTreeMap<String, String>,
    /// External data files named by tensors, as written in the model.
    pub external_data: Vec<String>,
}

/// Reads and checks a model file: exists, parses as an ONNX `ModelProto`, and names no
/// external data outside its folder.
pub fn inspect(path: &Path) -> InferenceResult<OnnxFacts> {
    let bytes = std::fs::read(path).map_err(|e| {
        let reason = if e.kind() == std::io::ErrorKind::NotFound {
            "no such model file".to_owned()
        } else {
            e.to_string()
        };
        InferenceError::model(path, reason)
    })?;
    let facts = parse_model(&bytes)
        .map_err(|reason| InferenceError::model(path, format!("not an ONNX model ({reason})")))?;
    let folder = path.parent().unwrap_or(Path::new("."));
    for location in &facts.external_data {
        check_external(path, folder, location)?;
    }
    Ok(facts)
}

/// Refuses an external data location that is absolute or leaves the model's folder
/// (by `..` or through a symbolic link), and one that is missing.
fn check_external(model: &Path, folder: &Path, location: &str) -> InferenceResult<()> {
    let refuse = |why: &str| {
        InferenceError::model(
            model,
            format!("external data '{location}' {why}: weights must lie in the model's folder"),
        )
    };
    let relative = Path::new(location);
    let escapes = relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    if location.is_empty() || escapes {
        return Err(refuse("is outside the model's folder"));
    }
    let target = folder.join(relative);
    let (Ok(real_folder), Ok(real_target)) = (folder.canonicalize(), target.canonicalize()) else {
        return Err(InferenceError::model(
            model,
            format!(
                "external data '{location}' is missing (looked for {})",
                target.display()
            ),
        ));
    };
    if !real_target.starts_with(&real_folder) {
        return Err(refuse("links outside the model's folder"));
    }
    Ok(())
}

/// One protobuf field: its number and value.
enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// Iterates over the fields of one protobuf message.
struct Fields<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Fields<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self
                .bytes
                .get(self.at)
                .ok_or("a number runs past the end")?;
            self.at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("a number is longer than 10 bytes".into())
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(len).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or("a field runs past the end")?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u32, Value<'a>), String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.bytes.len() {
            return None;
        }
        let field = (|| {
            let key = self.varint()?;
            let number = u32::try_from(key >> 3).map_err(|_| "a field number is too large")?;
            if number == 0 {
                return Err("field number 0".to_owned());
            }
            let value = match key & 7 {
                0 => Value::Varint(self.varint()?),
                1 => {
                    self.take(8)?;
                    Value::Fixed
                }
                2 => {
                    let len =
                        usize::try_from(self.varint()?).map_err(|_| "a length is too large")?;
                    Value::Bytes(self.take(len)?)
                }
                5 => {
                    self.take(4)?;
                    Value::Fixed
                }
                other => return Err(format!("wire type {other}")),
            };
            Ok((number, value))
        })();
        if field.is_err() {
            self.at = self.bytes.len();
        }
        Some(field)
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Parses a `ModelProto`'s fields that Kinelab uses.
fn parse_model(bytes: &[u8]) -> Result<OnnxFacts, String> {
    let mut facts = OnnxFacts::default();
    let mut has_graph = false;
    for field in Fields::new(bytes) {
        match field? {
            (1, Value::Varint(v)) => facts.ir_version = v as i64,
            (2, Value::Bytes(b)) => facts.producer_name = text(b),
            (7, Value::Bytes(b)) => {
                has_graph = true;
                graph_external_data(b, &mut facts.external_data, 0)?;
            }
            (14, Value::Bytes(b)) => {
                let (key, value) = string_entry(b)?;
                facts.metadata.insert(key, value);
            }
            (1 | 2 | 7 | 14, _) => return Err("a field has the wrong wire type".into()),
            _ => {}
        }
    }
    if facts.ir_version <= 0 {
        return Err("no IR version".into());
    }
    if !has_graph {
        return Err("no graph".into());
    }
    facts.external_data.sort();
    facts.external_data.dedup();
    Ok(facts)
}

/// `StringStringEntryProto`: key (1) and value (2).
fn string_entry(bytes: &[u8]) -> Result<(String, String), String> {
    let (mut key, mut value) = (String::new(), String::new());
    for field in Fields::new(bytes) {
        match field? {
            (1, Value::Bytes(b)) => key = text(b),
            (2, Value::Bytes(b)) => value = text(b),
            _ => {}
        }
    }
    Ok((key, value))
}

/// Subgraphs nest (If, Loop, Scan); a model deeper than this is refused.
const MAX_GRAPH_DEPTH: usize = 64;

/// Collects external data locations of a `GraphProto`'s initializers (5), sparse
/// initializers (15) and node attributes (1 → 5), subgraphs included.
fn graph_external_data(bytes: &[u8], out: &mut Vec<String>, depth: usize) -> Result<(), String> {
    if depth > MAX_GRAPH_DEPTH {
        return Err("subgraphs nest too deep".into());
    }
    for field in Fields::new(bytes) {
        match field? {
            (5, Value::Bytes(b)) => tensor_external_data(b, out)?,
            (15, Value::Bytes(b)) => sparse_external_data(b, out)?,
            (1, Value::Bytes(node)) => {
                for field in Fields::new(node) {
                    if let (5, Value::Bytes(attr)) = field? {
                        attribute_external_data(attr, out, depth)?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// `AttributeProto`: t (5), g (6), tensors (10), graphs (11), sparse_tensor (22),
/// sparse_tensors (23).
fn attribute_external_data(
    bytes: &[u8],
    out: &mut Vec<String>,
    depth: usize,
) -> Result<(), String> {
    for field in Fields::new(bytes) {
        match field? {
            (5 | 10, Value::Bytes(b)) => tensor_external_data(b, out)?,
            (6 | 11, Value::Bytes(b)) => graph_external_data(b, out, depth + 1)?,
            (22 | 23, Value::Bytes(b)) => sparse_external_data(b, out)?,
            _ => {}
        }
    }
    Ok(())
}

/// `SparseTensorProto`: values (1) and indices (2) are tensors.
fn sparse_external_data(bytes: &[u8], out: &mut Vec<String>) -> Result<(), String> {
    for field in Fields::new(bytes) {
        if let (1 | 2, Value::Bytes(b)) = field? {
            tensor_external_data(b, out)?;
        }
    }
    Ok(())
}

/// `TensorProto`: external_data (13) entries, whose `location` names the file.
fn tensor_external_data(bytes: &[u8], out: &mut Vec<String>) -> Result<(), String> {
    for field in Fields::new(bytes) {
        if let (13, Value::Bytes(b)) = field? {
            let (key, value) = string_entry(b)?;
            if key == "location" {
                out.push(value);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(number: u32, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![(number << 3 | 2) as u8, payload.len() as u8];
        out.extend_from_slice(payload);
        out
    }

    fn model_with_location(location: &str) -> Vec<u8> {
        let entry = [field(1, b"location"), field(2, location.as_bytes())].concat();
        let tensor = field(13, &entry);
        let graph = field(5, &tensor);
        [vec![0x08, 0x08], field(7, &graph)].concat()
    }

    #[test]
    fn external_locations_are_found_and_escapes_refused() {
        let facts = parse_model(&model_with_location("weights.bin")).unwrap();
        assert_eq!(facts.external_data, vec!["weights.bin".to_owned()]);
        assert_eq!(facts.ir_version, 8);
        let dir = tempfile::tempdir().unwrap();
        let model = dir.path().join("m.onnx");
        for bad in ["../secret.bin", "/etc/passwd", "a/../../b"] {
            let err = check_external(&model, dir.path(), bad)
                .unwrap_err()
                .to_string();
            assert!(err.contains("outside the model's folder"), "{bad}: {err}");
        }
        let err = check_external(&model, dir.path(), "weights.bin")
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing"), "{err}");
        std::fs::write(dir.path().join("weights.bin"), b"x").unwrap();
        check_external(&model, dir.path(), "weights.bin").unwrap();
    }

    #[test]
    fn text_and_truncated_bytes_are_not_models() {
        assert!(parse_model(b"hello, this is not a model").is_err());
        let good = model_with_location("w.bin");
        assert!(parse_model(&good[..good.len() - 3]).is_err());
        assert!(parse_model(&[]).is_err());
    }
}
