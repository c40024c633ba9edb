//! The customer file upload (`customer_file_upload`): an ID-card or signature photo sent as
//! `multipart/form-data` with its MD5. The signature's `body` is `""` for multipart requests,
//! as documented; the answer is verified and decrypted like any other.

use md5::{Digest as _, Md5};

use super::{types, Client, Error, ResultCode};
use crate::pipeline::{validate, Body};
use crate::spec::{Operation, ValidationError};

// The upload is hand-written (multipart), so the generator gives its answer no `ResponseData`.
impl crate::spec::ResponseData for types::CustomerFileUploadResponse {
    type Data = types::Customer;
    fn into_data(self) -> Option<types::Customer> {
        self.data
    }
}

/// Largest file SGATE accepts (2048 KB).
pub const MAX_FILE_BYTES: usize = 2048 * 1024;

/// Image types SGATE accepts, by file extension.
const IMAGE_TYPES: &[(&str, &str)] = &[
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("bmp", "image/bmp"),
    ("gif", "image/gif"),
    ("svg", "image/svg+xml"),
    ("webp", "image/webp"),
];

/// A photo upload for one customer, selected by `mercustomid` or `customid`.
#[derive(Debug, Clone)]
pub struct CustomerFileUpload<'a> {
    client: &'a Client,
    op: &'static Operation,
    mercustomid: Option<String>,
    customid: Option<String>,
    file: Option<File>,
}

#[derive(Clone)]
struct File {
    kind: types::CustomerFileUploadParamType,
    name: String,
    bytes: Vec<u8>,
    content_type: Option<String>,
}

impl std::fmt::Debug for File {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // An ID-card photo is personal data: only its size is shown.
        f.debug_struct("File")
            .field("kind", &self.kind)
            .field("bytes", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

impl<'a> CustomerFileUpload<'a> {
    pub(crate) fn new(client: &'a Client, op: &'static Operation) -> Self {
        Self {
            client,
            op,
            mercustomid: None,
            customid: None,
            file: None,
        }
    }

    /// The merchant customer ID of the customer.
    pub fn mercustomid(mut self, id: impl Into<String>) -> Self {
        self.mercustomid = Some(id.into());
        self
    }

    /// The system customer ID of the customer.
    pub fn customid(mut self, id: impl Into<String>) -> Self {
        self.customid = Some(id.into());
        self
    }

    /// The image: what it is (`identitypic` or `signpic`), its file name (its extension picks
    /// the content type: jpg/jpeg, png, bmp, gif, svg, webp) and its bytes (at most 2048 KB).
    /// paybind computes the MD5.
    pub fn file(
        mut self,
        kind: types::CustomerFileUploadParamType,
        file_name: impl Into<String>,
        bytes: impl Into<Vec<u8>>,
    ) -> Self {
        self.file = Some(File {
            kind,
            name: file_name.into(),
            bytes: bytes.into(),
            content_type: None,
        });
        self
    }

    /// Overrides the content type derived from the file name (must be one SGATE accepts).
    pub fn content_type(mut self, mime: impl Into<String>) -> Self {
        if let Some(file) = &mut self.file {
            file.content_type = Some(mime.into());
        }
        self
    }

    /// Checks, signs and sends the upload; returns the customer after it.
    pub async fn send(self) -> Result<types::Customer, Error> {
        let (pipeline, op) = (self.client.pipeline(), self.op);
        pipeline.run(op, None, self.checked_send()).await
    }

    async fn checked_send(self) -> Result<types::Customer, Error> {
        let file = self
            .file
            .ok_or_else(|| ValidationError::new("file", "is required"))?;
        if file.bytes.len() > MAX_FILE_BYTES {
            return Err(ValidationError::new("file", "is larger than 2048 KB").into());
        }
        let extension = file
            .name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())
            .unwrap_or_default();
        let content_type = match &file.content_type {
            Some(mime) if IMAGE_TYPES.iter().any(|(_, m)| m == mime) => mime.clone(),
            Some(_) => {
                return Err(ValidationError::new(
                    "file",
                    "content type must be image/jpeg, png, bmp, gif, svg+xml or webp",
                )
                .into())
            }
            None => IMAGE_TYPES
                .iter()
                .find(|(ext, _)| *ext == extension)
                .map(|(_, mime)| mime.to_string())
                .ok_or_else(|| {
                    ValidationError::new(
                        "file",
                        "must be a jpeg, png, bmp, gif, svg or webp image (by its file name)",
                    )
                })?,
        };
        let md5: String = Md5::digest(&file.bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let kind = file.kind.to_string();

        let mut fields = serde_json::Map::new();
        if let Some(id) = &self.mercustomid {
            fields.insert("mercustomid".into(), id.clone().into());
        }
        if let Some(id) = &self.customid {
            fields.insert("customid".into(), id.clone().into());
        }
        fields.insert("file".into(), String::new().into());
        fields.insert("md5".into(), md5.clone().into());
        fields.insert("type".into(), kind.clone().into());
        let pipeline = self.client.pipeline();
        let schema = self.op.body_schema.unwrap_or("CustomerFileUploadParam");
        validate(pipeline.wire(), schema, &serde_json::Value::Object(fields))?;

        let mut form = reqwest::multipart::Form::new();
        if let Some(id) = self.mercustomid {
            form = form.text("mercustomid", id);
        }
        if let Some(id) = self.customid {
            form = form.text("customid", id);
        }
        let part = reqwest::multipart::Part::bytes(file.bytes)
            .file_name(file.name)
            .mime_str(&content_type)
            .map_err(|_| ValidationError::new("file", "bad content type"))?;
        form = form.text("md5", md5).text("type", kind).part("file", part);

        pipeline
            .exchange::<ResultCode>(self.op, Vec::new(), Body::Multipart(form))
            .await?
            .decode::<ResultCode, types::CustomerFileUploadResponse>()
    }
}
