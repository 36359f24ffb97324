//! Payloads come back byte for byte through the boundary (SPEC §1), inline and beside the
//! JSON, and the answer's payloads beside the JSON are the store's own text, not copies.

use podstate::{Container, ContainerConfig, Payload, Store};
use podstate_capi::AbiStore;
use podstate_capi::ffi::caller;

/// Payloads raw JSON embedding cannot carry as they are, and ordinary ones.
const TEXTS: [&str; 8] = [
    r#"{ "spec" : { "b": 2,  "a": [1, 2.50, 1e3] } }"#,
    " [ ] ",
    "\n{\"a\":1}\t",
    r#"{"podstate:payload-text":"x"}"#,
    r#""<&>\u00e9\/""#,
    "-0.0",
    r#"{"a":"é"}"#,
    "null",
];

#[test]
fn payloads_come_back_byte_for_byte_in_both_modes() {
    let store = AbiStore::wrap(podstate_memory::MemoryStore::new()).unwrap();
    let h = store.open_handle().unwrap();
    for (i, text) in TEXTS.iter().enumerate() {
        let mut c = Container::new(ContainerConfig::new(format!("c{i}"), format!("n{i}")));
        c.config.payload = Payload::from_json(*text).unwrap();
        c.state.payload = Payload::from_json(*text).unwrap();
        c.state
            .exec_sessions
            .insert("s".into(), Payload::from_json(*text).unwrap());
        h.add_container(&c).unwrap();
        // Four reads: the handle alternates inline and beside, so each mode reads each twice.
        for _ in 0..4 {
            let back = h.lookup_container(&format!("n{i}")).unwrap();
            assert_eq!(back.config.payload.as_str(), *text);
            assert_eq!(back.state.payload.as_str(), *text);
            assert_eq!(back.state.exec_sessions["s"].as_str(), *text);
        }
    }
    for _ in 0..2 {
        let all = h.all_containers().unwrap();
        let texts: Vec<&str> = all.iter().map(|c| c.config.payload.as_str()).collect();
        assert_eq!(texts, TEXTS);
    }
}

#[test]
fn answer_payloads_beside_the_json_point_at_the_stored_text_in_order() {
    let store = caller::adopt(Box::new(podstate_memory::MemoryStore::new()));
    let h = store.open_handle(None).unwrap();
    let mut c = Container::new(ContainerConfig::new("c1", "web"));
    c.config.payload = Payload::from_json(TEXTS[0]).unwrap();
    c.state.payload = Payload::from_json(TEXTS[1]).unwrap();
    let args = serde_json::to_vec(&serde_json::json!({})).unwrap();
    let add = format!(r#"{{"ctr":{}}}"#, serde_json::to_string(&c).unwrap());
    assert!(h.call(c"add_container", add.as_bytes(), None).is_ok());
    let answer = h.call(c"lookup_container", br#"{"id_or_name":"web"}"#, Some(&[]));
    assert!(answer.is_ok());
    let json = String::from_utf8(answer.json().to_vec()).unwrap();
    assert!(
        json.contains(r#""payload":0"#) && json.contains(r#""payload":1"#),
        "{json}"
    );
    assert_eq!(
        answer.payloads(),
        [TEXTS[0].as_bytes(), TEXTS[1].as_bytes()]
    );
    // Inline, the whitespace-wrapped payload travels in its wrapper object and reads back.
    let inline = h.call(c"lookup_container", br#"{"id_or_name":"web"}"#, None);
    let back: Container = serde_json::from_slice(inline.json()).unwrap();
    assert_eq!(back, c);
    assert!(h.call(c"all_pods", &args, None).is_ok());
}
