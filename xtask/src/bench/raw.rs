//! What the raw engines store: the same JSON bytes the backends store for a container (the
//! serde_json text of config and state with each payload taken out, the payload texts beside
//! them), decoded the same way. A raw engine keeps no index but the ID, the name and the pod,
//! and checks nothing: it is what the storage itself costs.

use anyhow::Context;
use podstate_api::{Container, ContainerConfig, ContainerState, Payload};

/// One container as stored by a raw engine.
pub struct Encoded {
    pub config: String,
    pub config_payload: String,
    pub state: String,
    pub state_payload: String,
}

/// The placeholder in place of a payload inside the record's JSON.
const PLACEHOLDER: &str = "null";

/// `ctr` as stored.
pub fn encode(ctr: &Container) -> anyhow::Result<Encoded> {
    let (config, config_payload) = encode_config(&ctr.config)?;
    let (state, state_payload) = encode_state(&ctr.state)?;
    Ok(Encoded {
        config,
        config_payload,
        state,
        state_payload,
    })
}

/// A config's JSON and payload text.
fn encode_config(cfg: &ContainerConfig) -> anyhow::Result<(String, String)> {
    let mut bare = cfg.clone();
    bare.payload = Payload::from_stored(PLACEHOLDER);
    let json = serde_json::to_string(&bare).context("encode a config")?;
    Ok((json, cfg.payload.as_str().to_owned()))
}

/// A state's JSON and payload text.
pub fn encode_state(state: &ContainerState) -> anyhow::Result<(String, String)> {
    let mut bare = state.clone();
    bare.payload = Payload::from_stored(PLACEHOLDER);
    let json = serde_json::to_string(&bare).context("encode a state")?;
    Ok((json, state.payload.as_str().to_owned()))
}

/// The container stored as these four texts.
pub fn decode(
    config: &str,
    config_payload: &str,
    state: &str,
    state_payload: &str,
) -> anyhow::Result<Container> {
    let mut cfg: ContainerConfig = serde_json::from_str(config).context("decode a config")?;
    cfg.payload = Payload::from_stored(config_payload);
    Ok(Container {
        config: cfg,
        state: decode_state(state, state_payload)?,
    })
}

/// The state stored as these two texts.
pub fn decode_state(state: &str, state_payload: &str) -> anyhow::Result<ContainerState> {
    let mut st: ContainerState = serde_json::from_str(state).context("decode a state")?;
    st.payload = Payload::from_stored(state_payload);
    Ok(st)
}

/// The least string above every string starting with `prefix` (a hex prefix in the bench, so
/// the last byte never overflows).
pub fn prefix_end(prefix: &str) -> String {
    let mut end = prefix.as_bytes().to_vec();
    if let Some(last) = end.last_mut() {
        *last += 1;
    }
    String::from_utf8(end).unwrap_or_default()
}
