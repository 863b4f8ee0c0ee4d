//! `entitlement`: the main job. For now it prints deadlines on the bundled sample calendar.

fn main() {
    println!("placeholder");
}
