//! The names of the [`HostContext::extension`](crate::HostContext::extension) methods, and of
//! the requests other than tool calls that a host may send through a plugin's `call` entry point.
//!
//! Added in plugin-api 1.1.0. A 1.0 host answers every one of these methods with an error of kind
//! `unavailable`, so a plugin that must run on older hosts checks [`Host::has_extension`] (or
//! handles that error) and degrades: no question asked means no consent, never a silent "yes".
//!
//! [`Host::has_extension`]: crate::Host::has_extension

/// Asks the MCP client for input on the person's behalf: elicitation (form or URL mode),
/// sampling, or the client's roots.
///
/// Params `{"requests": {KEY: {"method": "elicitation/create" | "sampling/createMessage" |
/// "roots/list", "params": {...}}}}`; answer `{"responses": {KEY: RESULT}}` with each RESULT the
/// MCP result of that request (e.g. `{"action": "accept", "content": {...}}` for elicitation).
/// The call blocks until every request is answered, on both protocol revisions: on 2025-11-25
/// the host sends each as a server-to-client request; on 2026-07-28 it answers the client's
/// request with an `InputRequiredResult` and resumes this call when the client retries.
/// KEY is the plugin's name for the request (it is the key of `inputRequests` on 2026-07-28).
/// Fails with kind `unavailable` when the client did not declare the capability a request needs.
pub const INPUT_REQUEST: &str = "input/request";

/// What the client of this call can do: `{"elicitation": {"form": bool, "url": bool},
/// "sampling": bool, "roots": bool, "protocolVersion": "..."}`. Params `{}`.
pub const CLIENT_CAPABILITIES: &str = "client/capabilities";

/// Publishes a resource the client can list and read (MCP `resources`), kept by the host for
/// the rest of its run: `{"uri", "name", "title"?, "description"?, "mimeType"?, "text" | "blob"}`
/// (blob = base64). Answer `{"uri": URI}`. Publishing a URI again replaces it. URIs are the
/// plugin's to choose but must not use the host's own schemes.
pub const RESOURCES_PUBLISH: &str = "resources/publish";

/// Every method above, as a 1.1 host lists them in `host_info()["extensions"]`.
pub const ALL: &[&str] = &[INPUT_REQUEST, CLIENT_CAPABILITIES, RESOURCES_PUBLISH];

/// Non-tool requests a host routes to `call(NAME, ARGS, ctx)` for what the plugin declared in
/// its manifest. The names contain `/`, which no tool name may, so they never collide with tools.
pub mod requests {
    /// `prompts/get` for a prompt in `Manifest::prompts`. Args `{"name", "arguments": {..}}`;
    /// the output's `structured` is the MCP `GetPromptResult` (`{"description"?, "messages"}`).
    pub const PROMPTS_GET: &str = "prompts/get";
    /// `resources/read` for a URI in `Manifest::resources` or matching `Manifest::resource_templates`.
    /// Args `{"uri"}`; the output's `structured` is the MCP `ReadResourceResult` (`{"contents"}`).
    pub const RESOURCES_READ: &str = "resources/read";
}
