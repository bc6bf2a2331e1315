//! Before sending anything: which instance is this, can it run a command, and with which document.
//!
//! Two lookups run at once:
//! - EC2 DescribeInstances: the Name tag (for the result), the state (a stopped instance is
//!   reported without sending) and the platform (Windows gets `AWS-RunPowerShellScript`);
//! - SSM DescribeInstanceInformation, filtered by the instance id: is the instance a managed node
//!   whose agent is online?
//!
//! Only definite answers stop the call (not found, not running, not managed, agent offline).
//! Both lookups are conveniences: a role without `ec2:DescribeInstances`, or an endpoint that does
//! not implement DescribeInstanceInformation, only costs the name or the early check, and
//! SendCommand still refuses an unmanaged instance on its own.

use aws_config::retry::RetryConfig;
use aws_sdk_ssm::types::InstanceInformationStringFilter;
use mcp_aws_sso_plugin_api::{Host, LogLevel};

use crate::aws_clients::Aws;
use crate::classify::{AwsFailure, Cause};
use crate::error::Ec2ExecError;
use crate::validation::Request;

pub const SHELL_DOCUMENT: &str = "AWS-RunShellScript";
pub const POWERSHELL_DOCUMENT: &str = "AWS-RunPowerShellScript";

/// The instance a command goes to, as far as the lookups could tell.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Target {
    pub instance_id: String,
    pub name: Option<String>,
    /// `Windows`, `Linux`, `MacOS` (SSM's spelling), when known.
    pub platform: Option<String>,
}

impl Target {
    /// `i-0123... (web-1)`, or the id alone.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("{} ({name})", self.instance_id),
            None => self.instance_id.clone(),
        }
    }

    pub fn document(&self) -> &'static str {
        if self.platform.as_deref() == Some("Windows") {
            POWERSHELL_DOCUMENT
        } else {
            SHELL_DOCUMENT
        }
    }
}

/// What EC2 said about the instance.
struct Ec2View {
    name: Option<String>,
    state: Option<String>,
    platform: Option<String>,
}

pub async fn look_up(aws: &Aws, host: &Host, request: &Request) -> Result<Target, Ec2ExecError> {
    let (ec2, ssm) = tokio::join!(describe_instance(aws, request), describe_managed_node(aws, request));
    let mut target = Target {
        instance_id: request.instance_id.clone(),
        ..Target::default()
    };

    match ec2 {
        Ok(Some(view)) => {
            target.name = view.name;
            target.platform = view.platform;
            if let Some(state) = view.state.filter(|state| state != "running") {
                return Err(not_running(&target, &state, &request.region));
            }
        }
        Ok(None) => {} // a managed node (mi-): EC2 does not know it
        Err(failure) => match failure.cause {
            Cause::InstanceNotFound => {
                return Err(Ec2ExecError::InstanceNotFound {
                    instance_id: request.instance_id.clone(),
                    account_id: request.account_id.clone(),
                    region: request.region.clone(),
                    aws: failure.detail(),
                });
            }
            Cause::Unreachable => return Err(Ec2ExecError::unreachable("EC2", &failure)),
            Cause::RejectedCredentials => return Err(rejected(request, &failure)),
            _ => host.log(
                LogLevel::Warn,
                &format!(
                    "could not read instance {} from EC2 ({}); going on without its name and state",
                    request.instance_id,
                    failure.detail()
                ),
            ),
        },
    }

    match ssm {
        Ok(Some(node)) => {
            if target.platform.is_none() {
                target.platform = node.platform;
            }
            if target.name.is_none() {
                target.name = node.name;
            }
            if let Some(ping) = node.ping_status.filter(|ping| ping != "Online") {
                return Err(Ec2ExecError::AgentOffline {
                    instance: target.label(),
                    ping_status: ping,
                });
            }
        }
        Ok(None) => {
            return Err(Ec2ExecError::NotManaged {
                instance: target.label(),
                region: request.region.clone(),
                aws: String::new(),
            });
        }
        Err(failure) => match failure.cause {
            Cause::InvalidInstance => {
                return Err(Ec2ExecError::NotManaged {
                    instance: target.label(),
                    region: request.region.clone(),
                    aws: format!(" (SSM: {})", failure.detail()),
                });
            }
            Cause::Unreachable => return Err(Ec2ExecError::unreachable("SSM", &failure)),
            Cause::RejectedCredentials => return Err(rejected(request, &failure)),
            // Not implemented by this endpoint, not allowed for this role, throttled: skip the
            // early check; SendCommand itself refuses an unmanaged instance.
            _ => host.log(
                LogLevel::Info,
                &format!(
                    "skipping the SSM managed-node check for {} ({})",
                    request.instance_id,
                    failure.detail()
                ),
            ),
        },
    }
    Ok(target)
}

pub fn rejected(request: &Request, failure: &AwsFailure) -> Ec2ExecError {
    Ec2ExecError::CredentialsRejected {
        role_name: request.role_name.clone(),
        account_id: request.account_id.clone(),
        aws: failure.detail(),
    }
}

fn not_running(target: &Target, state: &str, region: &str) -> Ec2ExecError {
    let id = &target.instance_id;
    let advice = match state {
        "stopped" => format!(
            "Start it (`aws ec2 start-instances --instance-ids {id} --region {region}`), wait until its SSM \
             Agent is online, then try again."
        ),
        "stopping" => "It is stopping; start it again once it has stopped, then try again.".to_string(),
        "pending" => "It is starting: try again once it is running and its SSM Agent is online.".to_string(),
        _ => "A terminated instance cannot run commands; pick another instance.".to_string(),
    };
    Ec2ExecError::InstanceNotRunning {
        instance: target.label(),
        state: state.to_string(),
        advice,
    }
}

async fn describe_instance(aws: &Aws, request: &Request) -> Result<Option<Ec2View>, AwsFailure> {
    if !request.instance_id.starts_with("i-") {
        return Ok(None);
    }
    let output = aws
        .call("ec2:DescribeInstances", || {
            aws.ec2.describe_instances().instance_ids(&request.instance_id).send()
        })
        .await?;
    let instance = output
        .reservations()
        .iter()
        .flat_map(|reservation| reservation.instances())
        .find(|instance| instance.instance_id() == Some(request.instance_id.as_str()));
    let Some(instance) = instance else {
        return Err(AwsFailure::local(
            "ec2:DescribeInstances",
            Some("InvalidInstanceID.NotFound"),
            "no such instance",
            Cause::InstanceNotFound,
        ));
    };
    let name = instance
        .tags()
        .iter()
        .find(|tag| tag.key() == Some("Name"))
        .and_then(|tag| tag.value())
        .filter(|name| !name.is_empty())
        .map(str::to_string);
    let windows = instance
        .platform()
        .is_some_and(|p| p.as_str().eq_ignore_ascii_case("windows"))
        || instance
            .platform_details()
            .is_some_and(|d| d.to_ascii_lowercase().contains("windows"));
    Ok(Some(Ec2View {
        name,
        state: instance
            .state()
            .and_then(|state| state.name())
            .map(|name| name.as_str().to_string()),
        platform: Some(if windows { "Windows" } else { "Linux" }.to_string()),
    }))
}

/// What SSM knows about the node.
struct ManagedNode {
    name: Option<String>,
    ping_status: Option<String>,
    platform: Option<String>,
}

async fn describe_managed_node(aws: &Aws, request: &Request) -> Result<Option<ManagedNode>, AwsFailure> {
    let filter = InstanceInformationStringFilter::builder()
        .key("InstanceIds")
        .values(&request.instance_id)
        .build()
        .map_err(|e| AwsFailure::local("ssm:DescribeInstanceInformation", None, e.to_string(), Cause::Other))?;
    let output = aws
        .call("ssm:DescribeInstanceInformation", || {
            aws.ssm
                .describe_instance_information()
                .filters(filter.clone())
                .customize()
                // An optional check: an endpoint that answers 5xx because it lacks the operation
                // must not cost the full retry schedule.
                .config_override(
                    aws_sdk_ssm::config::Builder::default().retry_config(RetryConfig::standard().with_max_attempts(2)),
                )
                .send()
        })
        .await?;
    Ok(output
        .instance_information_list()
        .iter()
        .find(|node| node.instance_id() == Some(request.instance_id.as_str()))
        .map(|node| ManagedNode {
            name: node.name().filter(|n| !n.is_empty()).map(str::to_string),
            ping_status: node.ping_status().map(|p| p.as_str().to_string()),
            platform: node.platform_type().map(|p| p.as_str().to_string()),
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_instances_get_the_powershell_document() {
        let mut target = Target {
            instance_id: "i-0123abcd".into(),
            ..Target::default()
        };
        assert_eq!(target.document(), SHELL_DOCUMENT);
        target.platform = Some("Linux".into());
        assert_eq!(target.document(), SHELL_DOCUMENT);
        target.platform = Some("Windows".into());
        assert_eq!(target.document(), POWERSHELL_DOCUMENT);
    }

    #[test]
    fn labels_show_the_name_when_there_is_one() {
        let mut target = Target {
            instance_id: "i-0123abcd".into(),
            ..Target::default()
        };
        assert_eq!(target.label(), "i-0123abcd");
        target.name = Some("web-1".into());
        assert_eq!(target.label(), "i-0123abcd (web-1)");
    }
}
