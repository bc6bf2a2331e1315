//! Input on protocol 2025-11-25 and older: each request goes to the client as a server-to-client
//! JSON-RPC request on the call's session, all at once, and the call waits for every answer.

use std::collections::BTreeMap;

use mcp_aws_sso_plugin_api::{ErrorKind, ToolError};
use rmcp::model::ServerRequest;
use rmcp::{Peer, RoleServer};
use serde_json::Value;

use super::{ClientInput, InputCapabilities, InputFuture, InputRequests, check_requests};

pub struct PeerInput {
    peer: Peer<RoleServer>,
    capabilities: InputCapabilities,
}

impl PeerInput {
    pub fn new(peer: Peer<RoleServer>, capabilities: InputCapabilities) -> Self {
        Self { peer, capabilities }
    }
}

impl ClientInput for PeerInput {
    fn capabilities(&self) -> &InputCapabilities {
        &self.capabilities
    }

    fn request(&self, requests: InputRequests) -> InputFuture {
        let checked = check_requests(&requests, &self.capabilities);
        let peer = self.peer.clone();
        Box::pin(async move {
            checked?;
            let mut sends = Vec::with_capacity(requests.len());
            for (key, request) in requests {
                let request: ServerRequest = serde_json::from_value(request).map_err(|e| {
                    ToolError::invalid_arguments(format!("input `{key}` is not a valid MCP request: {e}"))
                })?;
                let peer = peer.clone();
                sends.push(async move { (key, peer.send_request(request).await) });
            }
            let mut answers = BTreeMap::new();
            for (key, answer) in futures::future::join_all(sends).await {
                let result = answer.map_err(|e| {
                    ToolError::new(
                        ErrorKind::Unavailable,
                        format!("the MCP client did not answer input `{key}`: {e}"),
                    )
                })?;
                let value = serde_json::to_value(&result).unwrap_or(Value::Null);
                answers.insert(key, value);
            }
            Ok(answers)
        })
    }
}
