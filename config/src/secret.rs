//! A wrapper that keeps secrets out of `Debug` output (and so out of logs and `doctor`) and
//! wipes them from memory when dropped.
//!
//! The inside is `secrecy`'s `SecretBox`, which zeroizes on drop; our wrapper keeps the small API
//! the rest of the workspace uses (`new`, `expose`, `From`, `Clone`, `Default`), since
//! `SecretBox<String>` is not `Clone` and names its accessor `expose_secret`.

use std::fmt;

use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretBox};

/// A value that must not be printed. Read it with [`Secret::expose`], at the one place that
/// needs it (for the HTTP token: the bearer-token comparison).
pub struct Secret<T: Zeroize>(SecretBox<T>);

impl<T: Zeroize> Secret<T> {
    /// Wraps a secret value.
    pub fn new(value: T) -> Self {
        Secret(SecretBox::new(Box::new(value)))
    }

    /// The secret itself. Every call site is a place where the secret may leak: keep them few.
    pub fn expose(&self) -> &T {
        self.0.expose_secret()
    }
}

impl<T: Zeroize + Clone> Clone for Secret<T> {
    fn clone(&self) -> Self {
        Secret(SecretBox::init_with(|| self.expose().clone()))
    }
}

impl<T: Zeroize + Default> Default for Secret<T> {
    fn default() -> Self {
        Secret(SecretBox::default())
    }
}

impl<T: Zeroize> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Secret::new(value)
    }
}

impl<T: Zeroize> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let secret = Secret::new(String::from("hunter2"));
        let shown = format!("{secret:?} {:#?}", Some(&secret));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(secret.expose(), "hunter2");
        assert_eq!(secret.clone().expose(), "hunter2");
        assert_eq!(Secret::<String>::default().expose(), "");
    }
}
