//! The boot component an event measured, read from the PCR usage of TCG PC Client PFP 1.05
//! (section 3.3.4), the event type and, for boot loaders, the event data.
//!
//! Entry point: [`classify_events`]. The rules, per PCR:
//! - 0: firmware code (`EV_S_CRTM_*`, firmware blobs, POST codes) → [`Component::Firmware`];
//! - 1: `EV_EFI_VARIABLE_BOOT(2)` → [`Component::BootVariable`], other platform configuration →
//!   [`Component::Firmware`];
//! - 2 and 3: option ROM code and configuration → [`Component::OptionRom`];
//! - 4: an `EV_EFI_BOOT_SERVICES_APPLICATION` is the kernel when its device path names a Linux
//!   kernel file (`vmlinuz*`, `bzImage*`, `linux*`) or, with an empty device path (the image was
//!   loaded from memory by a boot loader, as GRUB does), when a boot application was measured
//!   before it. Any other application is a [`Component::BootLoader`]. Boot-manager actions and the
//!   separator are [`Component::Firmware`];
//! - 5: boot variables → [`Component::BootVariable`], the GPT and `ExitBootServices` actions →
//!   [`Component::Other`];
//! - 7: `EV_EFI_VARIABLE_AUTHORITY` → [`Component::Authority`], anything else →
//!   [`Component::SecureBootConfiguration`];
//! - 8: GRUB `kernel_cmdline` and `linux` commands (which carry the command line) →
//!   [`Component::CommandLine`], other GRUB commands → [`Component::BootLoader`] (they are its
//!   configuration);
//! - 9: GRUB's file measurements: the file of the last `linux` command →
//!   [`Component::Kernel`], the files of the last `initrd` command → [`Component::Initrd`],
//!   others (`grub.cfg`, modules, fonts) → [`Component::BootLoader`];
//! - 12: systemd-stub's command line → [`Component::CommandLine`];
//! - 14: shim's `MokList` measurements → [`Component::SecureBootConfiguration`];
//! - anything else → [`Component::Other`].

use alloc::string::String;
use alloc::vec::Vec;

use crate::eventlog::data::{EventData, Ipl};
use crate::eventlog::event_type::EventType;
use crate::eventlog::parse::{Event, EventLog};

/// A boot component.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Component {
    /// Platform firmware code and configuration.
    Firmware,
    /// Option ROMs and their configuration.
    OptionRom,
    /// A boot loader (shim, GRUB, systemd-boot, a Windows boot manager) or its configuration.
    BootLoader,
    /// The operating-system kernel.
    Kernel,
    /// The kernel command line.
    CommandLine,
    /// The initial RAM disk.
    Initrd,
    /// Secure Boot variables (`SecureBoot`, `PK`, `KEK`, `db`, `dbx`) and shim's MOK lists.
    SecureBootConfiguration,
    /// A signature database entry that authorised an image.
    Authority,
    /// Boot variables (`BootOrder`, `Boot####`).
    BootVariable,
    /// Anything else.
    Other,
}

impl Component {
    /// Every component, in declaration order.
    pub const ALL: [Self; 10] = [
        Self::Firmware,
        Self::OptionRom,
        Self::BootLoader,
        Self::Kernel,
        Self::CommandLine,
        Self::Initrd,
        Self::SecureBootConfiguration,
        Self::Authority,
        Self::BootVariable,
        Self::Other,
    ];

    /// Stable snake_case code used in JSON: `"firmware"`, `"boot_loader"`, ….
    pub const fn code(self) -> &'static str {
        match self {
            Self::Firmware => "firmware",
            Self::OptionRom => "option_rom",
            Self::BootLoader => "boot_loader",
            Self::Kernel => "kernel",
            Self::CommandLine => "command_line",
            Self::Initrd => "initrd",
            Self::SecureBootConfiguration => "secure_boot_configuration",
            Self::Authority => "authority",
            Self::BootVariable => "boot_variable",
            Self::Other => "other",
        }
    }

    /// The component of a [`Component::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|component| component.code() == code)
    }

    /// The component a whole PCR stands for, when only its value (no event) can be compared.
    pub const fn of_pcr(pcr: u32) -> Self {
        match pcr {
            0 | 1 => Self::Firmware,
            2 | 3 => Self::OptionRom,
            4 => Self::BootLoader,
            7 => Self::SecureBootConfiguration,
            8 | 12 => Self::CommandLine,
            9 => Self::Kernel,
            _ => Self::Other,
        }
    }
}

/// The component of every event of `log`, by event index (`EV_NO_ACTION` events are
/// [`Component::Other`]).
pub fn classify_events(log: &EventLog<'_>) -> Vec<Component> {
    let mut state = State::default();
    log.events().iter().map(|event| state.classify(event)).collect()
}

/// What GRUB and the firmware measured so far.
#[derive(Default)]
struct State {
    boot_applications: usize,
    /// The file of GRUB's last `linux` command.
    kernel_path: Option<String>,
    /// The files of GRUB's last `initrd` command.
    initrd_paths: Vec<String>,
}

impl State {
    fn classify(&mut self, event: &Event<'_>) -> Component {
        if !event.is_extended() {
            return Component::Other;
        }
        let event_type = event.event_type;
        match event.pcr_index {
            0 => Component::Firmware,
            1 if is_boot_variable(event_type) => Component::BootVariable,
            1 => Component::Firmware,
            2 | 3 => Component::OptionRom,
            4 if event_type == EventType::EV_EFI_BOOT_SERVICES_APPLICATION => self.boot_application(event),
            4 => Component::Firmware,
            5 if is_boot_variable(event_type) => Component::BootVariable,
            7 if event_type == EventType::EV_EFI_VARIABLE_AUTHORITY => Component::Authority,
            7 | 14 => Component::SecureBootConfiguration,
            8 => self.grub_string(event),
            9 => self.grub_file(event),
            12 if event_type == EventType::EV_IPL => Component::CommandLine,
            _ => Component::Other,
        }
    }

    fn boot_application(&mut self, event: &Event<'_>) -> Component {
        let earlier = self.boot_applications;
        self.boot_applications = earlier.saturating_add(1);
        let Ok(EventData::ImageLoad(image)) = event.decode() else { return Component::BootLoader };
        let mut path = String::new();
        if let Ok(device_path) = image.device_path() {
            let _ = device_path.write_file_path(&mut path);
        }
        if path.is_empty() {
            return if earlier > 0 { Component::Kernel } else { Component::BootLoader };
        }
        if is_kernel_file_name(&path) { Component::Kernel } else { Component::BootLoader }
    }

    fn grub_string(&mut self, event: &Event<'_>) -> Component {
        if event.event_type != EventType::EV_IPL {
            return Component::Other;
        }
        match event.decode() {
            Ok(EventData::Ipl(Ipl::KernelCommandLine(_))) => Component::CommandLine,
            Ok(EventData::Ipl(Ipl::GrubCommand(command))) => {
                self.note_command(command);
                // GRUB's `linux` command names the kernel and carries its command line, which
                // is what changes when this event differs.
                if is_linux_command(command) { Component::CommandLine } else { Component::BootLoader }
            }
            _ => Component::Other,
        }
    }

    fn note_command(&mut self, command: &str) {
        let mut words = command.split_ascii_whitespace();
        match words.next() {
            Some("linux" | "linuxefi" | "linux16") => self.kernel_path = words.next().map(String::from),
            Some("initrd" | "initrdefi" | "initrd16") => self.initrd_paths = words.map(String::from).collect(),
            _ => {}
        }
    }

    fn grub_file(&self, event: &Event<'_>) -> Component {
        let Ok(EventData::Ipl(Ipl::Text(path))) = event.decode() else { return Component::Other };
        if self.kernel_path.as_deref().is_some_and(|kernel| same_file(path, kernel)) {
            return Component::Kernel;
        }
        if self.initrd_paths.iter().any(|initrd| same_file(path, initrd)) {
            return Component::Initrd;
        }
        Component::BootLoader
    }
}

const fn is_boot_variable(event_type: EventType) -> bool {
    matches!(event_type, EventType::EV_EFI_VARIABLE_BOOT | EventType::EV_EFI_VARIABLE_BOOT2)
}

/// Whether GRUB's measured `path` (`(hd0,gpt1)/vmlinuz` or `/vmlinuz`) is the file a command
/// named (`/vmlinuz`, or with its own device prefix).
fn same_file(path: &str, named: &str) -> bool {
    let strip = |text: &str| -> String {
        let without_device = match text.strip_prefix('(') {
            Some(rest) => rest.split_once(')').map_or(rest, |(_, after)| after),
            None => text,
        };
        String::from(without_device)
    };
    !named.is_empty() && strip(path) == strip(named)
}

/// Whether the last component of a file path is a Linux kernel's usual name.
/// Whether a file name or a caller's image name (`kernel`, `vmlinuz-6.1.0-57-amd64`, …) names a
/// Linux kernel.
pub(crate) fn is_kernel_file_name(path: &str) -> bool {
    let name = path.rsplit(['\\', '/']).next().unwrap_or(path).to_ascii_lowercase();
    name.starts_with("vmlinu") || name.starts_with("bzimage") || name.starts_with("linux") || name.starts_with("kernel")
}

fn is_linux_command(command: &str) -> bool {
    matches!(command.split_ascii_whitespace().next(), Some("linux" | "linuxefi" | "linux16"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for component in Component::ALL {
            assert_eq!(Component::from_code(component.code()), Some(component));
        }
        assert_eq!(Component::from_code("kernel_module"), None);
    }

    #[test]
    fn grub_paths_compare_without_device() {
        assert!(same_file("(hd0,gpt1)/vmlinuz", "/vmlinuz"));
        assert!(same_file("/vmlinuz", "/vmlinuz"));
        assert!(!same_file("/vmlinuz.old", "/vmlinuz"));
    }

    #[test]
    fn kernel_file_names() {
        assert!(is_kernel_file_name("\\EFI\\Linux\\vmlinuz-6.1.0"));
        assert!(is_kernel_file_name("/boot/bzImage"));
        assert!(!is_kernel_file_name("\\EFI\\BOOT\\BOOTX64.EFI"));
        assert!(!is_kernel_file_name("\\EFI\\BOOT\\grubx64.efi"));
    }
}
