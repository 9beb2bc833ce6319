//! An app's OpenAPI document is untrusted input that Lakegate fetches by itself (picking an
//! app, the automatic Doctor): a hostile one must not exhaust memory. The allocator of this
//! test binary counts the peak of live bytes, so the bound is measured, not timed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde_json::{json, Map, Value};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// One measurement at a time (the test harness runs tests on several threads).
static MEASURING: Mutex<()> = Mutex::new(());

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most bytes live at once while `f` runs, above what was live before it.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed) - before)
}

const MB: usize = 1024 * 1024;

/// A ~400 KB document of the kind that took 2.5 GB: a 270 KB and a 45 KB `example`,
/// each referenced by 1,000 properties of a request body.
fn example_bomb() -> Vec<u8> {
    let example = |n: usize| -> Map<String, Value> {
        (0..n)
            .map(|i| (format!("k{i}"), Value::String("x".repeat(80))))
            .collect()
    };
    let props: Map<String, Value> = (0..2_000)
        .map(|i| {
            let to = if i % 2 == 0 { "Big" } else { "Huge" };
            (
                format!("p{i}"),
                json!({ "$ref": format!("#/components/schemas/{to}") }),
            )
        })
        .collect();
    serde_json::to_vec(&json!({
        "openapi": "3.1.0",
        "paths": { "/api/items": { "post": { "requestBody": { "content": {
            "application/json": { "schema": { "$ref": "#/components/schemas/Many" } } } } } } },
        "components": { "schemas": {
            "Big": { "type": "object", "example": example(500) },
            "Huge": { "type": "object", "example": example(3_000) },
            "Many": { "type": "object", "properties": props }
        } }
    }))
    .unwrap()
}

/// A document whose 20,000 path items all `$ref` one item with long summaries, a body whose
/// schema's `default` is large, and 100 references to a parameter with a long description.
fn reference_bomb() -> Vec<u8> {
    let long = "y".repeat(60_000);
    let params: Vec<Value> = (0..100)
        .map(|_| json!({ "$ref": "#/components/parameters/P" }))
        .collect();
    let paths: Map<String, Value> = (0..20_000)
        .map(|i| {
            (
                format!("/api/p{i}"),
                json!({ "$ref": "#/components/pathItems/Shared" }),
            )
        })
        .collect();
    let item = json!({
        "parameters": params,
        "get": { "summary": long }, "post": { "summary": long, "requestBody": { "content": {
            "application/json": { "schema": { "type": "object", "default": { "blob": long } } } } } },
        "put": { "summary": long }, "patch": { "summary": long }, "delete": { "summary": long }
    });
    let doc = serde_json::to_vec(&json!({
        "openapi": "3.1.0",
        "paths": paths,
        "components": {
            "pathItems": { "Shared": item },
            "parameters": { "P": { "name": "q", "in": "query", "description": long } }
        }
    }))
    .unwrap();
    assert!(doc.len() < lakegate::workspace::openapi::MAX_DOCUMENT_BYTES);
    doc
}

#[test]
fn an_example_referenced_everywhere_is_bounded() {
    let _one = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let doc = example_bomb();
    assert!(doc.len() > 300_000 && doc.len() < 450_000, "{}", doc.len());
    let (ops, peak) = peak_of(|| lakegate::workspace::openapi::parse(&doc).unwrap());
    assert_eq!(ops.len(), 1);
    let skeleton = ops[0].body_skeleton.as_deref().unwrap();
    assert!(skeleton.len() <= 200 * 1024, "{} bytes", skeleton.len());
    assert!(
        skeleton.contains("\"k0\""),
        "the example is used while it fits"
    );
    assert!(peak < 32 * MB, "peak {} MB", peak / MB);
}

#[test]
fn a_document_of_references_is_bounded_by_what_it_builds() {
    let _one = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let doc = reference_bomb();
    // What reading the JSON alone takes, for comparison.
    let (value, parse_peak) = peak_of(|| serde_json::from_slice::<Value>(&doc).unwrap());
    drop(value);
    let (ops, peak) = peak_of(|| lakegate::workspace::openapi::parse(&doc).unwrap());
    let text: usize = ops
        .iter()
        .map(|o| {
            o.path.len()
                + o.summary.as_ref().map_or(0, String::len)
                + o.body_skeleton.as_ref().map_or(0, String::len)
                + o.parameters
                    .iter()
                    .map(|p| p.description.as_ref().map_or(0, String::len))
                    .sum::<usize>()
        })
        .sum();
    assert!(!ops.is_empty());
    assert!(text < 6 * MB, "{} MB of operations", text / MB);
    assert!(
        peak < parse_peak + 24 * MB,
        "peak {} MB beyond the JSON's own {} MB",
        (peak - parse_peak) / MB,
        parse_peak / MB
    );
}

/// Short names cost little text but a whole parameter each: 100 one-letter parameters
/// shared by 300,000 path items are bounded by what they take in memory, not their text.
#[test]
fn short_parameters_by_the_million_are_bounded_too() {
    let _one = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let params: Vec<Value> = (0..100)
        .map(|_| json!({ "name": "a", "in": "q" }))
        .collect();
    let paths: Map<String, Value> = (0..300_000)
        .map(|i| (format!("/p{i}"), json!({ "$ref": "#/I" })))
        .collect();
    let doc = serde_json::to_vec(&json!({
        "paths": paths,
        "I": { "parameters": params, "get": {}, "put": {}, "post": {}, "delete": {} }
    }))
    .unwrap();
    assert!(doc.len() < lakegate::workspace::openapi::MAX_DOCUMENT_BYTES);
    let (value, parse_peak) = peak_of(|| serde_json::from_slice::<Value>(&doc).unwrap());
    drop(value);
    let (ops, peak) = peak_of(|| lakegate::workspace::openapi::parse(&doc).unwrap());
    assert!(
        !ops.is_empty() && ops.len() < 10_000,
        "{} operations",
        ops.len()
    );
    assert!(
        peak < parse_peak + 24 * MB,
        "peak {} MB beyond the JSON's own {} MB",
        (peak - parse_peak) / MB,
        parse_peak / MB
    );
}
