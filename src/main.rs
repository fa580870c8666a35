fn main() -> std::process::ExitCode {
    zetl_preflight::cli::main()
}
