use std::process::ExitCode;

fn main() -> ExitCode {
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
