//! Execution providers: where ONNX Runtime runs a model. The CPU always; CUDA,
//! TensorRT, CoreML and DirectML where Kinelab was built with their cargo feature and
//! the runtime library has them. `Auto` takes the first of those that registers, and
//! falls back to the CPU; a provider asked for by name that cannot register is an error
//! that says why.

use ort::ep::ExecutionProviderDispatch;
use ort::session::builder::SessionBuilder;
use serde::{Deserialize, Serialize};

/// Which execution provider a session asks for.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// The fastest this build and runtime have, else the CPU.
    #[default]
    Auto,
    Cpu,
    Cuda,
    #[value(name = "tensorrt")]
    TensorRt,
    #[value(name = "coreml")]
    CoreMl,
    #[value(name = "directml")]
    DirectMl,
}

impl Provider {
    pub const ALL: [Provider; 6] = [
        Provider::Auto,
        Provider::Cpu,
        Provider::Cuda,
        Provider::TensorRt,
        Provider::CoreMl,
        Provider::DirectMl,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Provider::Auto => "Automatic",
            Provider::Cpu => "CPU",
            Provider::Cuda => "CUDA",
            Provider::TensorRt => "TensorRT",
            Provider::CoreMl => "CoreML",
            Provider::DirectMl => "DirectML",
        }
    }

    /// As stored in a project's settings.
    pub fn id(self) -> &'static str {
        match self {
            Provider::Auto => "auto",
            Provider::Cpu => "cpu",
            Provider::Cuda => "cuda",
            Provider::TensorRt => "tensorrt",
            Provider::CoreMl => "coreml",
            Provider::DirectMl => "directml",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.id() == id)
    }

    /// Whether this build of Kinelab can ask for it.
    pub fn compiled(self) -> bool {
        match self {
            Provider::Auto | Provider::Cpu => true,
            Provider::Cuda => cfg!(feature = "cuda"),
            Provider::TensorRt => cfg!(feature = "tensorrt"),
            Provider::CoreMl => cfg!(feature = "coreml"),
            Provider::DirectMl => cfg!(feature = "directml"),
        }
    }

    /// The provider's dispatch, where this build has it.
    fn dispatch(self) -> Option<ExecutionProviderDispatch> {
        match self {
            #[cfg(feature = "cuda")]
            Provider::Cuda => Some(ort::ep::CUDA::default().build()),
            #[cfg(feature = "tensorrt")]
            Provider::TensorRt => Some(ort::ep::TensorRT::default().build()),
            #[cfg(feature = "coreml")]
            Provider::CoreMl => Some(ort::ep::CoreML::default().build()),
            #[cfg(feature = "directml")]
            Provider::DirectMl => Some(ort::ep::DirectML::default().build()),
            _ => None,
        }
    }
}

/// The accelerators `Auto` tries, best first.
const AUTO_ORDER: [Provider; 4] = [
    Provider::TensorRt,
    Provider::Cuda,
    Provider::CoreMl,
    Provider::DirectMl,
];

/// Registers `choice` on `builder`; returns the builder and the provider that runs the
/// model (the CPU when none registered), or why the provider asked for cannot run.
pub fn register(
    mut builder: SessionBuilder,
    choice: Provider,
) -> Result<(SessionBuilder, Provider), String> {
    let candidates: Vec<Provider> = match choice {
        Provider::Auto => AUTO_ORDER.to_vec(),
        Provider::Cpu => Vec::new(),
        one => vec![one],
    };
    for provider in candidates {
        let Some(dispatch) = provider.dispatch() else {
            if choice == provider {
                return Err(format!(
                    "this build of Kinelab has no {} support (build it with --features {})",
                    provider.label(),
                    provider.id()
                ));
            }
            continue;
        };
        match builder.with_execution_providers([dispatch.error_on_failure()]) {
            Ok(b) => return Ok((b, provider)),
            Err(e) => {
                let reason = e.to_string();
                builder = e.recover();
                if choice == provider {
                    return Err(format!("{} could not start: {reason}", provider.label()));
                }
            }
        }
    }
    Ok((builder, Provider::Cpu))
}
