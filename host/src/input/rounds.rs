//! Input on protocol 2026-07-28: multi-round-trip requests (SEP-2322), with the call itself kept
//! running on the server so that the tool sees one blocking call.
//!
//! ```text
//! tools/call ──▶ start(): spawn the call ──▶ it asks for input ──▶ park it under a fresh
//!                                                                  random handle, answer
//!                                                                  InputRequiredResult{inputRequests, requestState: handle}
//! tools/call + inputResponses + requestState ──▶ resume(): hand the answers to the waiting call
//!                                                ──▶ it finishes (the result) or asks again (a new handle)
//! ```
//!
//! The handle is only a key into this table (never data the server trusts), so a tampered,
//! replayed or expired one finds nothing and is refused. A handle is bound to the request it
//! came from (method, name, arguments): a retry that changed them is refused too. A retry that
//! answered only some keys gets an `InputRequiredResult` for the rest. Answers that arrive with a
//! first request (no handle) are offered to the call for the keys it asks; consent prompts use
//! keys nobody can know in advance, so they cannot be pre-answered this way.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mcp_aws_sso_plugin_api::{ErrorKind, ToolError, ToolOutput};
use rmcp::ErrorData as McpError;
use rmcp::model::{InputRequest, InputRequiredResult};
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::{ClientInput, InputAnswers, InputCapabilities, InputFuture, InputRequests, check_requests};

/// How long a parked call waits for the client to come back.
const PARK_TIMEOUT: Duration = Duration::from_secs(600);
/// At most this many calls wait at once; the oldest is dropped beyond it.
const MAX_PARKED: usize = 256;

/// The request a handle belongs to: a retry must repeat it exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestKey {
    pub method: &'static str,
    pub name: String,
    pub arguments: String,
}

/// What one round ends with.
pub enum Round {
    Done(Result<ToolOutput, ToolError>),
    InputRequired(InputRequiredResult),
}

type Reply = oneshot::Sender<Result<InputAnswers, ToolError>>;

struct Ask {
    requests: InputRequests,
    reply: Reply,
}

/// A call in flight: its task, the questions it asks, and its own cancellation (a round's
/// request ends long before the call does).
struct RunningCall {
    task: JoinHandle<Result<ToolOutput, ToolError>>,
    asks: mpsc::UnboundedReceiver<Ask>,
    cancel: CancellationToken,
}

struct Parked {
    key: RequestKey,
    pending: InputRequests,
    answered: InputAnswers,
    reply: Reply,
    call: RunningCall,
    since: Instant,
}

/// The calls waiting for a client's next round, shared by every session of the server.
#[derive(Default)]
pub struct InputRounds {
    parked: Mutex<HashMap<String, Parked>>,
}

/// What a call started by [`InputRounds::start`] gets as its `ClientInput`.
struct RoundInput {
    asks: mpsc::UnboundedSender<Ask>,
    capabilities: InputCapabilities,
    /// Answers sent with the first request, offered to the first questions with those keys.
    offered: Mutex<InputAnswers>,
}

impl ClientInput for RoundInput {
    fn capabilities(&self) -> &InputCapabilities {
        &self.capabilities
    }

    fn request(&self, requests: InputRequests) -> InputFuture {
        let checked = check_requests(&requests, &self.capabilities).and_then(|()| {
            for (key, request) in &requests {
                to_input_request(key, request)?;
            }
            Ok(())
        });
        let mut answered = InputAnswers::new();
        let mut remaining = InputRequests::new();
        {
            let mut offered = self.offered.lock().unwrap_or_else(|p| p.into_inner());
            for (key, request) in requests {
                match offered.remove(&key).filter(|answer| answers(&request, answer)) {
                    Some(answer) => {
                        answered.insert(key, answer);
                    }
                    None => {
                        remaining.insert(key, request);
                    }
                }
            }
        }
        let asks = self.asks.clone();
        Box::pin(async move {
            checked?;
            if remaining.is_empty() {
                return Ok(answered);
            }
            let (reply, answer) = oneshot::channel();
            asks.send(Ask {
                requests: remaining,
                reply,
            })
            .map_err(|_| gone())?;
            let mut rest = answer.await.map_err(|_| gone())??;
            answered.append(&mut rest);
            Ok(answered)
        })
    }
}

fn gone() -> ToolError {
    ToolError::new(
        ErrorKind::Cancelled,
        "the MCP client did not come back with the answers in time",
    )
}

impl InputRounds {
    /// Runs a new call. `run` gets the call's input and cancellation and returns its future.
    pub async fn start<F>(
        &self,
        key: RequestKey,
        capabilities: InputCapabilities,
        offered: Option<InputAnswers>,
        request_cancel: &CancellationToken,
        run: impl FnOnce(Arc<dyn ClientInput>, CancellationToken) -> F,
    ) -> Round
    where
        F: Future<Output = Result<ToolOutput, ToolError>> + Send + 'static,
    {
        let (asks_tx, asks) = mpsc::unbounded_channel();
        let input = Arc::new(RoundInput {
            asks: asks_tx,
            capabilities,
            offered: Mutex::new(offered.unwrap_or_default()),
        });
        let cancel = CancellationToken::new();
        let task = tokio::spawn(run(input, cancel.clone()));
        self.drive(key, RunningCall { task, asks, cancel }, request_cancel)
            .await
    }

    /// Continues the call parked under `state` with the client's answers.
    pub async fn resume(
        &self,
        key: RequestKey,
        state: &str,
        responses: InputAnswers,
        request_cancel: &CancellationToken,
    ) -> Result<Round, McpError> {
        let parked = {
            let mut parked = self.parked.lock().unwrap_or_else(|p| p.into_inner());
            match parked.remove(state) {
                Some(call) if call.key == key => call,
                Some(call) => {
                    parked.insert(state.to_string(), call);
                    return Err(McpError::invalid_params(
                        "requestState belongs to a different request: retry with the same method, name and arguments",
                        None,
                    ));
                }
                None => {
                    return Err(McpError::invalid_params(
                        "requestState is unknown, expired or already used: send the request again without it",
                        None,
                    ));
                }
            }
        };
        let Parked {
            key,
            mut pending,
            mut answered,
            reply,
            call,
            ..
        } = parked;
        for (name, answer) in responses {
            if let Some(request) = pending.get(&name)
                && answers(request, &answer)
            {
                pending.remove(&name);
                answered.insert(name, answer);
            }
        }
        if !pending.is_empty() {
            return Ok(self.park(key, pending, answered, reply, call));
        }
        let _ = reply.send(Ok(answered));
        Ok(self.drive(key, call, request_cancel).await)
    }

    /// Cancels every parked call (the server is stopping): each waiting tool gets a cancelled
    /// answer and ends, so no plugin thread is left blocked and the process can exit.
    pub fn cancel_all(&self) {
        let mut parked = self.parked.lock().unwrap_or_else(|p| p.into_inner());
        for (_, call) in parked.drain() {
            call.call.cancel.cancel();
            let _ = call.reply.send(Err(gone()));
        }
    }

    /// Waits for the call to finish or to ask; a cancelled round cancels the call.
    async fn drive(&self, key: RequestKey, mut call: RunningCall, request_cancel: &CancellationToken) -> Round {
        tokio::select! {
            outcome = &mut call.task => Round::Done(outcome.unwrap_or_else(|e| {
                Err(ToolError::internal(format!("the call did not complete: {e}")))
            })),
            Some(ask) = call.asks.recv() => self.park(key, ask.requests, InputAnswers::new(), ask.reply, call),
            _ = request_cancel.cancelled() => {
                call.cancel.cancel();
                Round::Done(Err(ToolError::new(ErrorKind::Cancelled, "The call was cancelled by the client.")))
            }
        }
    }

    fn park(
        &self,
        key: RequestKey,
        pending: InputRequests,
        answered: InputAnswers,
        reply: Reply,
        call: RunningCall,
    ) -> Round {
        let mut input_requests = BTreeMap::new();
        for (name, request) in &pending {
            match to_input_request(name, request) {
                Ok(request) => {
                    input_requests.insert(name.clone(), request);
                }
                Err(error) => {
                    // Checked when asked; kept as a guard so a bad request never reaches a client.
                    let _ = reply.send(Err(error));
                    return Round::Done(Err(ToolError::internal("the call asked for input that cannot be sent")));
                }
            }
        }
        let state = new_handle();
        let mut parked = self.parked.lock().unwrap_or_else(|p| p.into_inner());
        expire(&mut parked);
        parked.insert(
            state.clone(),
            Parked {
                key,
                pending,
                answered,
                reply,
                call,
                since: Instant::now(),
            },
        );
        Round::InputRequired(InputRequiredResult::new(Some(input_requests), Some(state)))
    }
}

/// Drops parked calls the client abandoned: each one's question fails, so the tool ends.
fn expire(parked: &mut HashMap<String, Parked>) {
    let now = Instant::now();
    parked.retain(|_, call| {
        let keep = now.duration_since(call.since) < PARK_TIMEOUT;
        if !keep {
            call.call.cancel.cancel();
        }
        keep
    });
    while parked.len() >= MAX_PARKED {
        let Some(oldest) = parked.iter().min_by_key(|(_, call)| call.since).map(|(k, _)| k.clone()) else {
            break;
        };
        if let Some(call) = parked.remove(&oldest) {
            call.call.cancel.cancel();
        }
    }
}

/// 128 random bits as hex: unguessable, so a handle cannot be forged.
fn new_handle() -> String {
    let random = RandomState::new();
    let a = random.hash_one(Instant::now());
    let b = RandomState::new().hash_one(std::process::id());
    format!("{a:016x}{b:016x}")
}

fn to_input_request(key: &str, request: &Value) -> Result<InputRequest, ToolError> {
    serde_json::from_value(request.clone())
        .map_err(|e| ToolError::invalid_arguments(format!("input `{key}` is not a valid MCP request: {e}")))
}

/// Whether `answer` has the shape of a result of `request` (an elicitation answer has an
/// `action`, a sampling answer a `role` and `content`, a roots answer `roots`). Anything else is
/// treated as unanswered and asked again.
fn answers(request: &Value, answer: &Value) -> bool {
    match request.get("method").and_then(Value::as_str) {
        Some("elicitation/create") => answer
            .get("action")
            .and_then(Value::as_str)
            .is_some_and(|a| matches!(a, "accept" | "decline" | "cancel")),
        Some("sampling/createMessage") => answer.get("role").is_some() && answer.get("content").is_some(),
        Some("roots/list") => answer.get("roots").is_some_and(Value::is_array),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_must_fit_their_request() {
        let elicit = json!({"method": "elicitation/create", "params": {}});
        assert!(answers(&elicit, &json!({"action": "accept", "content": {"name": "A"}})));
        assert!(!answers(&elicit, &json!(12345)));
        assert!(!answers(&elicit, &json!({"action": "yes"})));
        let roots = json!({"method": "roots/list", "params": {}});
        assert!(answers(&roots, &json!({"roots": []})));
        assert!(!answers(&roots, &json!({"action": "accept"})));
    }

    #[test]
    fn handles_differ() {
        assert_ne!(new_handle(), new_handle());
        assert_eq!(new_handle().len(), 32);
    }
}
