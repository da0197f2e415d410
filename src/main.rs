use std::process::ExitCode;

/// glibc raises its mmap threshold after large blocks are freed, so the per-document
/// buffers then come from the heap and, interleaved with the tokenizer's long-lived cache
/// entries, fragment it: peak RSS tripled on the BBC corpus. A fixed threshold keeps
/// large buffers in mmap, returned to the OS when freed.
fn pin_malloc_mmap_threshold() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tuning; called before any other thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

fn main() -> ExitCode {
    pin_malloc_mmap_threshold();
    // A panic is a bug: say so in one line, without a backtrace. Panics inside the
    // annotation of one article are also turned into that article's error record.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!("quotex: internal error: {msg}");
    }));
    quotex::cli::main()
}
