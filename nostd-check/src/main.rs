//! Links the trusted-launch core into a program without `std` and runs one verification, so the
//! build proves the core needs only `core` and `alloc`, and the run proves it works there.
//!
//! The program is started by the C runtime (`main` below); memory comes from a fixed arena.
#![no_std]
#![no_main]
#![allow(unsafe_code, reason = "a global allocator and a C entry point cannot be written without it")]

extern crate alloc;

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicUsize, Ordering};

use trusted_launch::uefi::secureboot::SecureBootPolicy;
use trusted_launch::uefi::sigdb::SignatureDatabase;

/// A generated test image signed by the test root's RSA-2048 leaf, and the root as a db list.
static IMAGE: &[u8] = include_bytes!("../../tests/fixtures/secureboot/images/rsa2048-sha256.efi");
static DB: &[u8] = include_bytes!("../../tests/fixtures/secureboot/esl/root.x509.esl");

const ARENA_SIZE: usize = 8 << 20;

/// A bump allocator over a static arena; memory is never reused, which is enough for one run.
struct Arena {
    memory: UnsafeCell<[u8; ARENA_SIZE]>,
    used: AtomicUsize,
}

// SAFETY: the arena hands out disjoint ranges, reserved with an atomic compare-and-swap.
unsafe impl Sync for Arena {}

// SAFETY: every returned pointer is inside the arena, aligned as requested, and its range is
// reserved exclusively by the compare-and-swap on `used`.
unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let base = self.memory.get().cast::<u8>() as usize;
        let mut used = self.used.load(Ordering::Relaxed);
        loop {
            let Some(start) = base.checked_add(used).and_then(|address| address.checked_next_multiple_of(layout.align())) else {
                return core::ptr::null_mut();
            };
            let Some(end) = start.checked_add(layout.size()) else { return core::ptr::null_mut() };
            if end > base + ARENA_SIZE {
                return core::ptr::null_mut();
            }
            match self.used.compare_exchange(used, end - base, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return start as *mut u8,
                Err(current) => used = current,
            }
        }
    }

    unsafe fn dealloc(&self, _pointer: *mut u8, _layout: Layout) {}
}

#[global_allocator]
static ALLOCATOR: Arena = Arena { memory: UnsafeCell::new([0; ARENA_SIZE]), used: AtomicUsize::new(0) };

// A `no_std` binary is linked with `-nodefaultlibs`; the C library provides the process entry
// (`__libc_start_main`), `abort` and the `mem*` functions that `core` calls.
#[link(name = "c")]
unsafe extern "C" {
    /// The C library's `abort`.
    fn abort() -> !;
}

/// The prebuilt `alloc` library refers to this unwinding hook even under `panic = "abort"`,
/// where it is never called.
#[unsafe(no_mangle)]
pub extern "C" fn rust_eh_personality() {}

#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    // SAFETY: `abort` takes no arguments and never returns.
    unsafe { abort() }
}

/// Exit status 0 when the image is allowed, 1 when refused, 2 when an input is unusable.
#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let Ok(db) = SignatureDatabase::from_bytes(DB) else { return 2 };
    let policy = SecureBootPolicy::new(db, SignatureDatabase::new());
    match policy.verify_image(IMAGE) {
        Ok(verdict) if verdict.is_allowed() => 0,
        Ok(_) => 1,
        Err(_) => 2,
    }
}
