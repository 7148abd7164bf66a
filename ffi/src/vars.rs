//! UEFI variable stores and authenticated updates: a store handle built from an EDK2/OVMF image
//! or from efivarfs files, `tl_varstore_apply_update`, the updated image, and a Secure Boot
//! policy read from the store.

use core::ffi::{CStr, c_char};
use std::ffi::CString;

use trusted_launch::uefi::authvar::UpdateVerdict;
use trusted_launch::uefi::guid::{EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE, Guid};
use trusted_launch::uefi::varstore::edk2::NvStore;
use trusted_launch::uefi::varstore::efivarfs::EfivarfsStore;
use trusted_launch::uefi::varstore::policy::secure_boot_policy;
use trusted_launch::uefi::varstore::{VariableStore, apply_update_to_store};

use crate::{guarded, input, input_error, null_argument, tl_policy, tl_status};

/// A variable store: an EDK2 non-volatile store image or a set of efivarfs files.
pub struct tl_varstore {
    store: Store,
}

impl tl_varstore {
    /// The store, for the boot API.
    pub(crate) fn variables(&self) -> &dyn VariableStore {
        self.store.store()
    }
}

enum Store {
    Edk2(NvStore),
    Efivarfs(EfivarfsStore),
}

impl Store {
    fn store(&self) -> &dyn VariableStore {
        match self {
            Self::Edk2(store) => store,
            Self::Efivarfs(store) => store,
        }
    }

    fn store_mut(&mut self) -> &mut dyn VariableStore {
        match self {
            Self::Edk2(store) => store,
            Self::Efivarfs(store) => store,
        }
    }
}

/// The outcome of one authenticated write.
pub struct tl_update_verdict {
    verdict: UpdateVerdict,
    reason: CString,
}

/// Reads a NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `text` is NULL or a valid NUL-terminated string.
unsafe fn text_argument<'a>(name: &str, text: *const c_char) -> Result<&'a str, (tl_status, String)> {
    if text.is_null() {
        return Err(null_argument(name));
    }
    // SAFETY: the caller guarantees a valid NUL-terminated string.
    let text = unsafe { CStr::from_ptr(text) };
    text.to_str().map_err(|_| (tl_status::InvalidArgument, format!("{name} is not UTF-8")))
}

fn store_out(out: *mut *mut tl_varstore, store: Store) -> Result<(), (tl_status, String)> {
    if out.is_null() {
        return Err(null_argument("out"));
    }
    // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
    unsafe { *out = Box::into_raw(Box::new(tl_varstore { store })) };
    Ok(())
}

/// Parses an EDK2/OVMF variable store image (`OVMF_VARS*.fd`). The image is copied; on success
/// `*out` owns a store to release with `tl_varstore_free`.
///
/// # Safety
/// `image` is valid for `image_length` bytes; `out` is valid; `message` is NULL or valid for
/// `message_capacity` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_varstore_new_edk2(
    image: *const u8,
    image_length: usize,
    out: *mut *mut tl_varstore,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        // SAFETY: forwarded from this function's contract.
        let bytes = unsafe { input(image, image_length) }.ok_or_else(|| null_argument("image"))?;
        let store = NvStore::parse(bytes).map_err(|error| input_error("variable store", &error))?;
        store_out(out, Store::Edk2(store))
    })
}

/// Creates an empty efivarfs store; add variables with `tl_varstore_add_efivarfs_file`.
///
/// # Safety
/// `out` is valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_varstore_new_efivarfs(out: *mut *mut tl_varstore) -> tl_status {
    guarded(core::ptr::null_mut(), 0, || store_out(out, Store::Efivarfs(EfivarfsStore::default())))
}

/// Adds one efivarfs file: `file_name` is `Name-GUID`, `contents` the attribute word followed by
/// the data. A file name that is not `Name-GUID` is `TL_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `store` is a live efivarfs handle; `file_name` is a NUL-terminated string; `contents` is valid
/// for `contents_length` bytes; `message` as for `tl_varstore_new_edk2`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_varstore_add_efivarfs_file(
    store: *mut tl_varstore,
    file_name: *const c_char,
    contents: *const u8,
    contents_length: usize,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        // SAFETY: the caller passes a live handle or NULL.
        let store = unsafe { store.as_mut() }.ok_or_else(|| null_argument("store"))?;
        let Store::Efivarfs(efivarfs) = &mut store.store else {
            return Err((tl_status::InvalidArgument, "the store is not an efivarfs store".to_owned()));
        };
        // SAFETY: forwarded from this function's contract.
        let name = unsafe { text_argument("file_name", file_name) }?;
        // SAFETY: forwarded from this function's contract.
        let bytes = unsafe { input(contents, contents_length) }.ok_or_else(|| null_argument("contents"))?;
        let parsed = EfivarfsStore::from_files([(name, bytes)]).map_err(|error| input_error(name, &error))?;
        let Some(variable) = parsed.variables().first() else {
            return Err((tl_status::InvalidArgument, format!("{name} is not an efivarfs Name-GUID file name")));
        };
        efivarfs.set(variable.clone()).map_err(|error| input_error(name, &error))
    })
}

/// Number of live variables. 0 for NULL.
///
/// # Safety
/// `store` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_varstore_variable_count(store: *const tl_varstore) -> usize {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { store.as_ref() }.map_or(0, |store| store.store.store().variables().len())
}

/// Applies `SetVariable(name, guid, attributes, update)` as firmware would, against the store's
/// PK and KEK, and stores an accepted write. `guid` (16 bytes, on-disk order) may be NULL for the
/// default: EFI_GLOBAL_VARIABLE for PK and KEK, EFI_IMAGE_SECURITY_DATABASE_GUID otherwise.
/// Returns `TL_STATUS_OK` with a verdict in `*out` (release with `tl_update_verdict_free`)
/// whether the write is accepted or refused; an error status when the update cannot be decoded
/// or an accepted write does not fit the store.
///
/// # Safety
/// `store` is a live handle; `name` is a NUL-terminated string; `guid` is NULL or valid for 16
/// bytes; `update` is valid for `update_length` bytes; `out` is valid; `message` as above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_varstore_apply_update(
    store: *mut tl_varstore,
    name: *const c_char,
    guid: *const [u8; 16],
    attributes: u32,
    update: *const u8,
    update_length: usize,
    out: *mut *mut tl_update_verdict,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        // SAFETY: the caller passes a live handle or NULL.
        let store = unsafe { store.as_mut() }.ok_or_else(|| null_argument("store"))?;
        if out.is_null() {
            return Err(null_argument("out"));
        }
        // SAFETY: forwarded from this function's contract.
        let name = unsafe { text_argument("name", name) }?;
        // SAFETY: the caller passes NULL or 16 readable bytes.
        let guid = match unsafe { guid.as_ref() } {
            Some(bytes) => Guid::from_bytes(*bytes),
            None if matches!(name, "PK" | "KEK") => EFI_GLOBAL_VARIABLE,
            None => EFI_IMAGE_SECURITY_DATABASE,
        };
        // SAFETY: forwarded from this function's contract.
        let bytes = unsafe { input(update, update_length) }.ok_or_else(|| null_argument("update"))?;
        let verdict = apply_update_to_store(store.store.store_mut(), name, &guid, attributes, bytes)
            .map_err(|error| input_error("update", &error))?;
        let code = verdict.reason().map_or("accepted", |reason| reason.code());
        let handle = tl_update_verdict { reason: CString::new(code).unwrap_or_default(), verdict };
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { *out = Box::into_raw(Box::new(handle)) };
        Ok(())
    })
}

/// Copies the EDK2 store image, with every accepted write applied, into `out` (capacity
/// `out_capacity`) and its length into `*written`. `TL_STATUS_BUFFER_TOO_SMALL` writes only the
/// needed length; an efivarfs store is `TL_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `store` is a live handle; `out` is NULL or valid for `out_capacity` bytes; `written` is valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_varstore_to_bytes(
    store: *const tl_varstore,
    out: *mut u8,
    out_capacity: usize,
    written: *mut usize,
) -> tl_status {
    guarded(core::ptr::null_mut(), 0, || {
        // SAFETY: the caller passes a live handle or NULL.
        let store = unsafe { store.as_ref() }.ok_or_else(|| null_argument("store"))?;
        if written.is_null() {
            return Err(null_argument("written"));
        }
        let Store::Edk2(nv) = &store.store else {
            return Err((tl_status::InvalidArgument, "an efivarfs store has no image".to_owned()));
        };
        let image = nv.to_bytes();
        // SAFETY: `written` was checked non-NULL.
        unsafe { *written = image.len() };
        if out.is_null() || image.len() > out_capacity {
            return Err((tl_status::BufferTooSmall, format!("{} bytes needed", image.len())));
        }
        // SAFETY: `out` has `out_capacity >= image.len()` writable bytes.
        unsafe { core::ptr::copy_nonoverlapping(image.as_ptr(), out, image.len()) };
        Ok(())
    })
}

/// Builds a Secure Boot policy from the store's db, dbx, dbt and SbatLevel. On success `*out`
/// owns a policy to release with `tl_policy_free`.
///
/// # Safety
/// `store` is a live handle; `out` is valid; `message` as above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_policy_new_from_varstore(
    store: *const tl_varstore,
    out: *mut *mut tl_policy,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        // SAFETY: the caller passes a live handle or NULL.
        let store = unsafe { store.as_ref() }.ok_or_else(|| null_argument("store"))?;
        if out.is_null() {
            return Err(null_argument("out"));
        }
        let policy = secure_boot_policy(store.store.store()).map_err(|error| input_error("variable store", &error))?;
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { *out = Box::into_raw(Box::new(tl_policy { policy })) };
        Ok(())
    })
}

/// Releases a store. NULL is ignored.
///
/// # Safety
/// `store` is NULL or a handle not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_varstore_free(store: *mut tl_varstore) {
    if !store.is_null() {
        // SAFETY: the handle came from `Box::into_raw` and is released once.
        drop(unsafe { Box::from_raw(store) });
    }
}

/// Whether the write was accepted. False for NULL.
///
/// # Safety
/// `verdict` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_update_verdict_is_accepted(verdict: *const tl_update_verdict) -> bool {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { verdict.as_ref() }.is_some_and(|verdict| verdict.verdict.is_accepted())
}

/// `"accepted"` or the stable refusal code (`"signer_not_authorized"`, `"stale_timestamp"`, …).
/// The string lives as long as the verdict. NULL for a NULL verdict.
///
/// # Safety
/// `verdict` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_update_verdict_reason(verdict: *const tl_update_verdict) -> *const c_char {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { verdict.as_ref() }.map_or(core::ptr::null(), |verdict| verdict.reason.as_ptr())
}

/// For an accepted write, the signature entries before and after it. Returns false, writing
/// nothing, for a refused write or NULL pointers.
///
/// # Safety
/// `verdict` is NULL or a live handle; `before` and `after` are NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_update_verdict_entries(
    verdict: *const tl_update_verdict,
    before: *mut usize,
    after: *mut usize,
) -> bool {
    // SAFETY: the caller passes a live handle or NULL.
    let Some(UpdateVerdict::Accepted { entries_before, entries_after, .. }) =
        (unsafe { verdict.as_ref() }).map(|verdict| &verdict.verdict)
    else {
        return false;
    };
    if before.is_null() || after.is_null() {
        return false;
    }
    // SAFETY: both pointers were checked non-NULL and the caller guarantees them valid.
    unsafe {
        *before = *entries_before;
        *after = *entries_after;
    }
    true
}

/// Releases a verdict. NULL is ignored.
///
/// # Safety
/// `verdict` is NULL or a handle not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_update_verdict_free(verdict: *mut tl_update_verdict) {
    if !verdict.is_null() {
        // SAFETY: the handle came from `Box::into_raw` and is released once.
        drop(unsafe { Box::from_raw(verdict) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/authvar").join(name))
            .unwrap()
    }

    /// Builds an efivarfs file: attributes 0x27, then the data.
    fn efivarfs_file(data: &[u8]) -> Vec<u8> {
        [&0x27u32.to_le_bytes()[..], data].concat()
    }

    #[test]
    fn efivarfs_store_applies_update() {
        let mut store = core::ptr::null_mut();
        // SAFETY: valid pointers for every call; handles are released once.
        unsafe {
            assert_eq!(tl_varstore_new_efivarfs(&mut store), tl_status::Ok);
            for (name, file) in [
                (c"PK-8be4df61-93ca-11d2-aa0d-00e098032b8c", "pk.esl"),
                (c"KEK-8be4df61-93ca-11d2-aa0d-00e098032b8c", "kek.esl"),
                (c"db-d719b2cb-3d3a-4596-a3bc-dad00e67656f", "db.esl"),
            ] {
                let contents = efivarfs_file(&fixture(file));
                let status = tl_varstore_add_efivarfs_file(
                    store,
                    name.as_ptr(),
                    contents.as_ptr(),
                    contents.len(),
                    core::ptr::null_mut(),
                    0,
                );
                assert_eq!(status, tl_status::Ok);
            }
            assert_eq!(tl_varstore_variable_count(store), 3);

            // tests/fixtures/authvar/manifest.json: KEK-signed append of 3 entries to a 1-entry db.
            let update = fixture("db-append-by-kek.auth");
            let mut verdict = core::ptr::null_mut();
            let status = tl_varstore_apply_update(
                store,
                c"db".as_ptr(),
                core::ptr::null(),
                0x67,
                update.as_ptr(),
                update.len(),
                &mut verdict,
                core::ptr::null_mut(),
                0,
            );
            assert_eq!(status, tl_status::Ok);
            assert!(tl_update_verdict_is_accepted(verdict));
            let (mut before, mut after) = (0, 0);
            assert!(tl_update_verdict_entries(verdict, &mut before, &mut after));
            assert_eq!((before, after), (1, 4));
            tl_update_verdict_free(verdict);

            let update = fixture("db-append-by-db-key.auth");
            let mut verdict = core::ptr::null_mut();
            let status = tl_varstore_apply_update(
                store,
                c"db".as_ptr(),
                core::ptr::null(),
                0x67,
                update.as_ptr(),
                update.len(),
                &mut verdict,
                core::ptr::null_mut(),
                0,
            );
            assert_eq!(status, tl_status::Ok);
            assert_eq!(CStr::from_ptr(tl_update_verdict_reason(verdict)), c"signer_not_authorized");
            tl_update_verdict_free(verdict);

            let mut policy = core::ptr::null_mut();
            assert_eq!(tl_policy_new_from_varstore(store, &mut policy, core::ptr::null_mut(), 0), tl_status::Ok);
            assert_eq!((*policy).policy.db.len(), 4);
            crate::tl_policy_free(policy);
            let mut written = 0;
            assert_eq!(tl_varstore_to_bytes(store, core::ptr::null_mut(), 0, &mut written), tl_status::InvalidArgument);
            tl_varstore_free(store);
        }
    }
}
