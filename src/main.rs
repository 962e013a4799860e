fn main() {
    std::process::exit(ce_wizard::cli::main());
}
