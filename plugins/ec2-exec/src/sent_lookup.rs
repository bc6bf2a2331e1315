//! After SendCommand failed without a usable answer (a timeout, a dropped connection, a 5xx):
//! did SSM take the command anyway? Each call's SendCommand carries a comment with a token of its
//! own ([`comment`]); ListCommands for the instance shows whether a command with that comment
//! exists. If so, the call goes on with that command id; the command is never sent a second time.

use std::time::Duration;

use aws_sdk_ssm::types::{CommandFilter, CommandFilterKey};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::aws_clients::Aws;
use crate::call_policy;
use crate::classify::{AwsFailure, Cause};

/// Shown in the SSM console's Run Command history, so an administrator can tell where a command
/// came from; the token tells this call's command from every other. SSM allows 100 characters.
const COMMENT_PREFIX: &str = "Sent by mcp-aws-sso (aws_sso_ec2_exec_command) call";

/// How many times ListCommands is asked before "not there" is believed: SSM may list a command
/// it has just accepted a moment late.
const ROUNDS: u32 = 3;
const ROUND_PAUSE: Duration = Duration::from_secs(1);
/// Pages of ListCommands read per round (the newest commands come first).
const MAX_PAGES: u32 = 4;
/// Commands invoked before this much ahead of the call are not looked at (allows clock skew).
const LOOK_BACK: time::Duration = time::Duration::minutes(15);

/// This call's SendCommand comment: the prefix and 16 random hex digits.
pub fn comment() -> String {
    format!("{COMMENT_PREFIX} {:016x}", fastrand::u64(..))
}

#[derive(Debug)]
pub enum Lookup {
    /// SSM has a command with this comment: its id.
    Found(String),
    /// SSM lists no such command.
    NotFound,
    /// ListCommands failed, so nobody knows.
    Failed(AwsFailure),
}

pub async fn find_sent(aws: &Aws, instance_id: &str, comment: &str) -> Lookup {
    let since = (OffsetDateTime::now_utc() - LOOK_BACK)
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok());
    for round in 0..ROUNDS {
        if round > 0 {
            tokio::time::sleep(ROUND_PAUSE).await;
        }
        match list_once(aws, instance_id, comment, since.as_deref()).await {
            Ok(Some(id)) => return Lookup::Found(id),
            Ok(None) => {}
            Err(failure) => return Lookup::Failed(failure),
        }
    }
    Lookup::NotFound
}

/// One pass over the instance's recent commands.
async fn list_once(
    aws: &Aws,
    instance_id: &str,
    comment: &str,
    since: Option<&str>,
) -> Result<Option<String>, AwsFailure> {
    let filter = match since {
        Some(since) => Some(
            CommandFilter::builder()
                .key(CommandFilterKey::InvokedAfter)
                .value(since)
                .build()
                .map_err(|e| AwsFailure::local("ssm:ListCommands", None, e.to_string(), Cause::Other))?,
        ),
        None => None,
    };
    let mut next_token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = aws
            .call("ssm:ListCommands", || {
                aws.ssm
                    .list_commands()
                    .instance_id(instance_id)
                    .set_filters(filter.clone().map(|f| vec![f]))
                    .max_results(50)
                    .set_next_token(next_token.clone())
                    .customize()
                    .config_override(call_policy::poll())
                    .send()
            })
            .await?;
        let found = page
            .commands()
            .iter()
            .find(|command| command.comment() == Some(comment))
            .and_then(|command| command.command_id());
        if let Some(id) = found {
            return Ok(Some(id.to_string()));
        }
        match page.next_token() {
            Some(token) if !token.is_empty() => next_token = Some(token.to_string()),
            _ => break,
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_call_has_its_own_comment_within_ssms_limit() {
        let (a, b) = (comment(), comment());
        assert_ne!(a, b);
        assert!(a.starts_with(COMMENT_PREFIX));
        assert!(a.len() <= 100, "{} characters", a.len());
    }
}
