//! The floor `make bench` measures Lakegate's window against: a bare Tauri 2 window on a
//! blank page, built from the same dependency versions, with the same page-load marker
//! and the same WebKit settings (no compositing where there is no GPU, no JIT).

fn main() {
    let env = |name: &str| std::env::var(name).ok();
    for (name, value) in lakegate::base::platform::webview_environment(
        env,
        lakegate::base::platform::has_render_node(),
    ) {
        std::env::set_var(name, value);
    }
    tauri::Builder::default()
        .on_page_load(|_, payload| lakegate::gui::mark_ready(payload))
        .run(tauri::generate_context!(
            "bench/bare-window/tauri.conf.json",
            capabilities = []
        ))
        .expect("the bare window runs");
}
