#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| seaworthy_fuzz::reports(data));
