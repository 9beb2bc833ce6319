//! The floor `make bench` measures Lakegate's window against: a bare Tauri 2 window on a
//! blank page, built from the same dependency versions, with the same page-load marker.

fn main() {
    tauri::Builder::default()
        .on_page_load(|_, payload| lakegate::gui::mark_ready(payload))
        .run(tauri::generate_context!(
            "bench/bare-window/tauri.conf.json",
            capabilities = []
        ))
        .expect("the bare window runs");
}
