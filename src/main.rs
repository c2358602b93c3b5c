use std::process::ExitCode;

// regorus allocates a small value for nearly every step it takes; mimalloc
// serves those faster than glibc's allocator (see docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    seaworthy::cli::run()
}
