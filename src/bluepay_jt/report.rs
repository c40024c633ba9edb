//! Report Download: the operation answers with a link; this fetches the file behind it and
//! streams it into the caller's writer chunk by chunk, never holding it whole in memory.

use tokio::io::{AsyncWrite, AsyncWriteExt as _};

use super::{types, Client, Error};
use crate::pipeline::transport::{check_length, refuse_redirect};
use crate::pipeline::{Pipeline, Wire as _};

/// What [`Client::download_report`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadedReport {
    /// The link BluePay returned (valid for a limited time).
    pub url: String,
    /// Bytes written to the writer.
    pub bytes: u64,
    /// The file's `Content-Type`, when the server sent one.
    pub content_type: Option<String>,
}

impl Client {
    /// Requests a settlement/transaction report (operation `report_download`), then streams the
    /// file at the returned `downloadUrl` into `writer`. The file is what BluePay publishes
    /// (GPG-encrypted, per the docs); decrypting it is up to the merchant.
    ///
    /// The answer is not signed, so its link is fetched only from an origin the configuration
    /// allows (`Config::link_origins`; default the gateway's own): another scheme, host or port
    /// is [`Error::LinkRefused`](crate::error::Error::LinkRefused), with no connection made.
    ///
    /// The file is capped by `Config::max_download_bytes`, an error page by
    /// `Config::max_answer_bytes`; past either it is
    /// [`Error::TooLarge`](crate::error::Error::TooLarge). On any error, discard what was
    /// written.
    pub async fn download_report<W: AsyncWrite + Unpin>(
        &self,
        param: impl Into<types::builder::ReportDownloadParam>,
        writer: &mut W,
    ) -> Result<DownloadedReport, Error> {
        let link = self.report_download(param).await?;
        let url = link.download_url.to_string();
        let op = super::Operation::ReportDownload.spec();
        // The file's error page is an answer of the same read-only operation.
        Pipeline::of(&self.endpoint)
            .run(op, None, self.fetch_link(url, writer))
            .await
    }

    /// Fetches the file behind the link `report_download` answered with.
    async fn fetch_link<W: AsyncWrite + Unpin>(
        &self,
        url: String,
        writer: &mut W,
    ) -> Result<DownloadedReport, Error> {
        let pipeline = Pipeline::of(&self.endpoint);
        let (http, wire) = (pipeline.http(), pipeline.wire());
        let transport = wire.transport();
        // The link comes from an unsigned answer: only an allowed origin is ever contacted.
        let checked = transport.check_link(&url)?;
        let request = pipeline
            .request(http::Method::GET, checked)
            .build()
            .map_err(Error::transport)?;
        let mut response = transport
            .send(http, request)
            .await
            .map_err(Error::transport)?;
        refuse_redirect(&response)?;
        let status = response.status();
        if !status.is_success() {
            // An error page is read like any answer: whole, up to the answer cap.
            let answer = transport.read(response).await?;
            return Err(Error::http(status, wire.gateway().keep(answer.body)));
        }
        let limit = transport.max_download();
        check_length(&response, limit)?;
        let content_type = response
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut bytes = 0u64;
        while let Some(chunk) = response.chunk().await.map_err(Error::transport)? {
            if bytes + chunk.len() as u64 > limit {
                return Err(Error::TooLarge { limit });
            }
            writer.write_all(&chunk).await.map_err(Error::Io)?;
            bytes += chunk.len() as u64;
        }
        writer.flush().await.map_err(Error::Io)?;
        Ok(DownloadedReport {
            url,
            bytes,
            content_type,
        })
    }
}
