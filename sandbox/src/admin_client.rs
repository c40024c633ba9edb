//! A small client of the admin API (JSON in, JSON out), with the run's token.

use serde_json::Value;

use super::base::error::SandboxError;

/// A small client of the admin API (JSON in, JSON out). `Debug` leaves the token out.
#[derive(Clone)]
pub struct Admin {
    pub(super) http: reqwest::Client,
    pub(super) base: String,
    pub(super) token: String,
}

impl std::fmt::Debug for Admin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admin")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Admin {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, SandboxError> {
        let url = format!("{}/{}", self.base, path.trim_start_matches('/'));
        let mut request = self.http.request(method, url).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        if !(200..300).contains(&status) {
            let message = value
                .get("error")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string());
            return Err(SandboxError::Admin { status, message });
        }
        Ok(value)
    }

    /// `GET {base}/admin/{path}`.
    pub async fn get(&self, path: &str) -> Result<Value, SandboxError> {
        self.send(reqwest::Method::GET, path, None).await
    }

    /// `POST {base}/admin/{path}` with a JSON body.
    pub async fn post(&self, path: &str, body: Value) -> Result<Value, SandboxError> {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    /// `PUT {base}/admin/{path}` with a JSON body.
    pub async fn put(&self, path: &str, body: Value) -> Result<Value, SandboxError> {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    /// `DELETE {base}/admin/{path}`.
    pub async fn delete(&self, path: &str) -> Result<Value, SandboxError> {
        self.send(reqwest::Method::DELETE, path, None).await
    }
}
