//! The text shown when no start URL is configured: the one mistake every new user makes, so it
//! names the exact key, file paths and snippets for this machine, and what was found instead.

use std::fmt::Write;

use crate::config::Config;
use crate::configs_json::SECTIONS;
use crate::keys;

const EXAMPLE_URL: &str = "https://my-org.awsapps.com/start";

impl Config {
    /// Which key to set and where: the environment, configs.json (with the section actually
    /// read), or an AWS profile with `sso_session`; plus what is wrong with what was found.
    pub fn missing_start_url_help(&self) -> String {
        let mut help = String::new();
        // `write!` into a String cannot fail; the results are ignored for that reason only.
        if let (Some(url), Some(origin)) = (&self.sso.start_url, self.provenance.get(keys::AWS_SSO_START_URL)) {
            let _ = writeln!(help, "AWS_SSO_START_URL is set to {url} ({origin}).");
            return help;
        }
        let region = self.sso.region.as_deref().unwrap_or("us-east-1");
        let section = self.files.configs_json_section.unwrap_or(SECTIONS[0]);
        let _ = writeln!(
            help,
            "No AWS SSO start URL is configured. Set AWS_SSO_START_URL to your AWS access portal URL \
             (and AWS_SSO_REGION to the region of IAM Identity Center) in one of these places, \
             highest priority first:\n"
        );
        let _ = writeln!(
            help,
            "1. The environment, e.g. the \"env\" of this server in your MCP client's settings:\n\
             \x20    AWS_SSO_START_URL={EXAMPLE_URL}\n\
             \x20    AWS_SSO_REGION={region}\n"
        );
        let _ = writeln!(
            help,
            "2. {}, in the \"environments\" of the \"{section}\" section{}:\n\
             \x20    {{\"{section}\": {{\"environments\": {{\"AWS_SSO_START_URL\": \"{EXAMPLE_URL}\", \"AWS_SSO_REGION\": \"{region}\"}}}}}}\n",
            self.files.configs_json.display(),
            if self.files.configs_json_section.is_some() {
                " (the section this file already has)"
            } else {
                ""
            },
        );
        let profile = self.sso.profile.as_deref().unwrap_or("NAME");
        let _ = writeln!(
            help,
            "3. An AWS CLI profile in {}: set AWS_PROFILE={profile} and point the profile at an sso-session \
             (`aws configure sso` writes this):\n\
             \x20    [profile {profile}]\n\
             \x20    sso_session = my-sso\n\
             \x20    [sso-session my-sso]\n\
             \x20    sso_start_url = {EXAMPLE_URL}\n\
             \x20    sso_region = {region}",
            self.files.aws_config.display(),
        );

        let aws_config = self.files.aws_config.display();
        if let (Some(name), Some(origin)) = (&self.sso.profile, self.provenance.get(keys::AWS_PROFILE)) {
            match &self.files.aws_profile_section {
                None if !self.files.aws_config.exists() => {
                    let _ = write!(
                        help,
                        "\nAWS_PROFILE={name} ({origin}), but {aws_config} does not exist."
                    );
                }
                None => {
                    let _ = write!(
                        help,
                        "\nAWS_PROFILE={name} ({origin}), but {aws_config} has no [profile {name}] section."
                    );
                }
                Some(section) => {
                    let _ = write!(
                        help,
                        "\n[{section}] in {aws_config} has neither sso_session nor sso_start_url."
                    );
                }
            }
        }
        if let (Some(session), Some(origin), None) = (
            &self.sso.session_name,
            self.provenance.get(keys::AWS_SSO_SESSION),
            &self.files.aws_sso_session_section,
        ) {
            let _ = write!(
                help,
                "\nAWS_SSO_SESSION={session} ({origin}), but {aws_config} has no [sso-session {session}] section."
            );
        }
        help
    }
}
