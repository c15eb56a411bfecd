//! Where uploaded files wait until their run finishes: an object store
//! (a local directory by default), under keys that are random and name
//! their run, never taken from a file's name.

use std::sync::Arc;

use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, WriteMultipart};

use super::Upload;

/// Every staged object's key starts with this.
pub(crate) const STAGING_PREFIX: &str = "staging/";

/// The staging area: files a run holds, outside the session.
///
/// ```
/// let dir = std::env::temp_dir().join("actix-wizard-doc-staging");
/// let staging = actix_wizard::upload::Staging::local(&dir).expect("a directory");
/// # let _ = staging;
/// ```
#[derive(Clone, Debug)]
pub struct Staging {
    store: Arc<dyn ObjectStore>,
    part_size: usize,
}

/// Why the staging store failed.
pub type StagingError = object_store::Error;

impl Staging {
    /// A directory on this machine (created if need be), written in parts
    /// of 256 KiB: a directory takes parts of any size, so an upload holds
    /// no more than that in memory.
    pub fn local(dir: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir.as_ref())?;
        let store = LocalFileSystem::new_with_prefix(dir.as_ref())
            .map_err(|error| std::io::Error::other(error.to_string()))?
            .with_automatic_cleanup(true);
        Ok(Self::on(Arc::new(store)).part_size(256 * 1024))
    }

    /// Files kept in this process's memory, gone when it stops: for tests
    /// and demonstrations.
    pub fn in_memory() -> Self {
        Self::on(Arc::new(object_store::memory::InMemory::new())).part_size(256 * 1024)
    }

    /// Any object store (S3, Google Cloud Storage, Azure, in memory...),
    /// written in parts of 5 MiB, the smallest part S3 takes.
    pub fn on(store: Arc<dyn ObjectStore>) -> Self {
        Self {
            store,
            part_size: 5 * 1024 * 1024,
        }
    }

    /// The size of the parts a file is written in: what one upload holds
    /// in memory at most. A local directory takes any size.
    pub fn part_size(mut self, bytes: usize) -> Self {
        self.part_size = bytes.max(1);
        self
    }

    /// The object store behind it.
    pub fn store(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }

    /// Starts writing a new file of run `run`.
    pub(crate) async fn begin(&self, run: &str) -> Result<Staged, StagingError> {
        let key = format!("{STAGING_PREFIX}{run}/{}", crate::csrf::random_id(12));
        let upload = self.store.put_multipart(&Path::from(key.as_str())).await?;
        Ok(Staged {
            key,
            writer: WriteMultipart::new_with_chunk_size(upload, self.part_size),
        })
    }

    /// Deletes a held file (a file already gone is not an error).
    pub async fn delete(&self, upload: &Upload) -> Result<(), StagingError> {
        match self.store.delete(&Path::from(upload.key())).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Whether a held file is still there.
    pub async fn holds(&self, upload: &Upload) -> Result<bool, StagingError> {
        match self.store.head(&Path::from(upload.key())).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// A held file's bytes.
    pub async fn read(&self, upload: &Upload) -> Result<actix_web::web::Bytes, StagingError> {
        self.store
            .get(&Path::from(upload.key()))
            .await?
            .bytes()
            .await
    }

    /// Copies a held file to `to` in the same store (its permanent
    /// place); the staged file stays until its run is done with it.
    pub async fn copy(&self, upload: &Upload, to: &str) -> Result<(), StagingError> {
        let (from, to) = (Path::from(upload.key()), Path::from(to));
        self.store.copy(&from, &to).await
    }
}

/// A file being written to the staging store.
pub(crate) struct Staged {
    pub(crate) key: String,
    writer: WriteMultipart,
}

impl Staged {
    /// Writes the next chunk, waiting while too many parts are in flight.
    pub(crate) async fn write(&mut self, chunk: &[u8]) -> Result<(), StagingError> {
        self.writer.wait_for_capacity(2).await?;
        self.writer.write(chunk);
        Ok(())
    }

    /// Ends the file.
    pub(crate) async fn finish(self) -> Result<(), StagingError> {
        self.writer.finish().await.map(|_| ())
    }

    /// Drops what was written.
    pub(crate) async fn abort(self) {
        let _ = self.writer.abort().await;
    }
}
