//! Generates the cluster control plane's gRPC code from `proto/eddy.proto`, when the
//! `cluster` feature is on (without it there is nothing to generate, and the generators
//! are not even dependencies).

#[cfg(feature = "cluster")]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut config = prost_build::Config::new();
    // A `PROTOC` from the environment wins (e.g. Debian's protobuf-compiler); else the
    // vendored binary, so that nothing has to be installed.
    match std::env::var_os("PROTOC") {
        Some(path) => config.protoc_executable(path),
        None => config.protoc_executable(protoc_bin_vendored::protoc_bin_path()?),
    };
    tonic_prost_build::configure().compile_with_config(config, &["proto/eddy.proto"], &["proto"])?;
    println!("cargo:rerun-if-changed=proto/eddy.proto");
    Ok(())
}

#[cfg(not(feature = "cluster"))]
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
}
