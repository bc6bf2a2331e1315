//! Which way to sign in: the authorization code flow with PKCE when a browser will open on this
//! machine (its redirect can only reach a listener here), the device code flow otherwise. This is
//! the one place that decides.
//!
//! | situation                                                   | flow             |
//! |-------------------------------------------------------------|------------------|
//! | `useDeviceCode: true` / `--use-device-code`                 | device code      |
//! | `launchBrowser: false` / `--no-launch-browser`              | device code      |
//! | MCP over HTTP bound off loopback (the user is elsewhere)    | device code      |
//! | `BROWSER` set                                               | PKCE             |
//! | an SSH session (`SSH_CONNECTION`, `SSH_CLIENT`, `SSH_TTY`)  | device code      |
//! | macOS, Windows, or a desktop session (`DISPLAY`, `WAYLAND_DISPLAY`) | PKCE     |
//! | anything else (a headless machine)                          | device code      |
//!
//! An explicit `BROWSER` wins over the SSH rule: it names a browser that runs here (`w3m`, a
//! script), so its redirect reaches the listener.

/// The two ways to sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginFlow {
    AuthorizationCode,
    DeviceCode,
}

impl LoginFlow {
    /// The OAuth name of the flow, as tools report it.
    pub fn name(self) -> &'static str {
        match self {
            LoginFlow::AuthorizationCode => "authorization_code",
            LoginFlow::DeviceCode => "device_code",
        }
    }
}

/// What the caller asked for and where it runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct FlowRequest {
    pub use_device_code: bool,
    pub launch_browser: bool,
    /// The MCP client reaches this host over HTTP on a non-loopback address.
    pub served_off_loopback: bool,
}

/// What the machine offers, read from the environment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Machine {
    pub browser_variable: bool,
    pub ssh_session: bool,
    pub desktop: bool,
}

impl Machine {
    pub fn from_env() -> Self {
        let set = |name: &str| std::env::var_os(name).is_some_and(|value| !value.is_empty());
        Self {
            browser_variable: set("BROWSER"),
            ssh_session: ["SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"].iter().any(|name| set(name)),
            desktop: cfg!(any(target_os = "macos", windows)) || set("DISPLAY") || set("WAYLAND_DISPLAY"),
        }
    }
}

/// The flow for `request` on `machine`, and why (for logs and tool output).
pub fn choose(request: FlowRequest, machine: Machine) -> (LoginFlow, &'static str) {
    use LoginFlow::*;
    if request.use_device_code {
        return (DeviceCode, "the device code flow was asked for");
    }
    if !request.launch_browser {
        return (DeviceCode, "no browser is to be opened");
    }
    if request.served_off_loopback {
        return (DeviceCode, "the MCP server is reachable from other machines");
    }
    if machine.browser_variable {
        return (AuthorizationCode, "BROWSER names a browser on this machine");
    }
    if machine.ssh_session {
        return (DeviceCode, "this is an SSH session");
    }
    if machine.desktop {
        return (AuthorizationCode, "a browser opens on this machine");
    }
    (DeviceCode, "no browser is available on this machine")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BROWSER: FlowRequest = FlowRequest {
        use_device_code: false,
        launch_browser: true,
        served_off_loopback: false,
    };

    fn machine(browser_variable: bool, ssh_session: bool, desktop: bool) -> Machine {
        Machine {
            browser_variable,
            ssh_session,
            desktop,
        }
    }

    #[test]
    fn pkce_needs_a_browser_here_and_nobody_asking_otherwise() {
        use LoginFlow::*;
        assert_eq!(choose(BROWSER, machine(true, false, false)).0, AuthorizationCode);
        assert_eq!(choose(BROWSER, machine(false, false, true)).0, AuthorizationCode);
        assert_eq!(choose(BROWSER, machine(true, true, false)).0, AuthorizationCode);
        assert_eq!(choose(BROWSER, machine(false, true, true)).0, DeviceCode);
        assert_eq!(choose(BROWSER, machine(false, false, false)).0, DeviceCode);

        let everything = machine(true, false, true);
        let asked = FlowRequest {
            use_device_code: true,
            ..BROWSER
        };
        assert_eq!(choose(asked, everything).0, DeviceCode);
        let no_browser = FlowRequest {
            launch_browser: false,
            ..BROWSER
        };
        assert_eq!(choose(no_browser, everything).0, DeviceCode);
        let remote = FlowRequest {
            served_off_loopback: true,
            ..BROWSER
        };
        assert_eq!(choose(remote, everything).0, DeviceCode);
    }
}
