use std::process::ExitCode;

// regorus allocates a small value for nearly every step it takes; mimalloc
// serves those faster than glibc's allocator (see docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc 3's `mi_option_arena_eager_commit` and `mi_option_purge_delay`
/// (their positions in `mi_option_e`; the Rust bindings name older ones).
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // Commit memory as it is used and give freed pages back at once: peak
    // memory drops by a third for a few percent of time (docs/benchmarks.md).
    // SAFETY: plain setters of process-wide options, called before any
    // thread is started.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
    }
    seaworthy::timing::init();
    seaworthy::cli::run()
}
