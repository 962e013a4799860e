fn main() {
    ce_wizard::harden::process();
    std::process::exit(ce_wizard::cli::main(&ce_wizard::tui::launch::Wizard));
}
