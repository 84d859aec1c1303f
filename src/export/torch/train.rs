//! The PyTorch script of a training race: the seed notebook's loop (`zero_grad`, the model's
//! output, `CrossEntropyLoss`, `backward`, `step`, the epoch's mean loss) on the same digits,
//! split, model and optimizers, in float64.
//!
//! What is reproduced exactly: the data (embedded, `python/digits.b64`, with the inputs'
//! standardization and scale computed in plain floats in optiscape's order), the order the
//! samples are seen in (none shuffled, batches in turn), and the initial weights (optiscape's
//! SplitMix64 draws, ported). What is not: the gradients are torch.autograd's and the model's sums
//! torch's, where optiscape sums each dot product in four running sums and derives by hand; so
//! the losses and accuracies agree closely, not to the bit, and a chaotic run (inputs times 50)
//! may end elsewhere. `tests/torch_script.rs` checks the data and weights to the bit and the
//! epochs to a tolerance.

use super::literal::{float, string};
use super::{header, identity, optimizer_on, schedule_and_clipping, ADABELIEF, LION};
use crate::classify::model::Architecture;
use crate::classify::train::{TrainSpec, Transform};

const DIGITS: &str = include_str!("python/digits.b64");
const TRAIN: &str = include_str!("python/train.py");

const TRAIN_USAGE: &str = "It trains the same classifier on the same 8x8 digits (embedded below) with the same
optimizers, schedulers and clipping, from the same initial weights and seeing the samples in the
same order, in the seed notebook's loop, in float64. Run it where torch is installed:

    python3 train.py            # each racer's final training loss and test accuracy; with matplotlib, a plot
    python3 train.py --json     # every epoch, as `optiscape train` prints them
    python3 train.py --no-plot

The data, its order and the initial weights are optiscape's to the bit. The gradients here are
torch.autograd's, where optiscape derives them by hand and sums in its own order, so the losses and
accuracies agree closely but not to the last bit (a chaotic run, such as inputs times 50, may end
elsewhere).";

/// The PyTorch script of the training race of `spec`.
pub fn train_script(spec: &TrainSpec) -> String {
    script_with(spec, DIGITS)
}

/// [`train_script`] with the embedded digits' text given by the caller: the page fetches it
/// (`pkg/digits.b64`, which `cargo xtask build` copies from `python/digits.b64`) only when it
/// writes a script, which keeps those 62 kB out of its module. Any other text is refused.
pub fn train_script_with(spec: &TrainSpec, digits_b64: &str) -> Result<String, String> {
    if digits_b64.len() != DIGITS.len() || fnv1a(digits_b64.as_bytes()) != DIGITS_HASH {
        return Err(format!(
            "the digits text ({} bytes) is not the one this optiscape embeds ({} bytes)",
            digits_b64.len(),
            DIGITS.len()
        ));
    }
    Ok(script_with(spec, digits_b64))
}

/// FNV-1a of [`DIGITS`], computed when compiling, so the text itself need not be in the module.
const DIGITS_HASH: u64 = fnv1a(DIGITS.as_bytes());

const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

fn script_with(spec: &TrainSpec, digits: &str) -> String {
    let (hidden, model) = match spec.model {
        Architecture::Linear => ("None", "linear 64 -> 10"),
        Architecture::Mlp => ("32", "MLP 64 -> 32 -> 10"),
    };
    let n = spec.racers.len();
    let title = format!(
        "Digits, {model}, {n} racer{}, {} epochs",
        if n == 1 { "" } else { "s" },
        spec.epochs
    );
    let mut out = header(
        &title,
        "an optiscape training race",
        &spec.to_json(),
        TRAIN_USAGE,
        &["base64", "json", "math", "sys", "zlib"],
    );
    out.push_str(&format!("\nDIGITS = \"\"\"\n{digits}\"\"\"\n"));
    out.push_str(&format!(
        "\nTITLE = {}\nEPOCHS = {}\nBATCH_SIZE = {}\nSEED = {}\nHIDDEN = {hidden}\n",
        string(&title),
        spec.epochs,
        spec.batch_size,
        spec.seed
    ));
    let uses = |name: &str| spec.racers.iter().any(|r| r.info.name == name);
    for (name, code) in [("adabelief", ADABELIEF), ("lion", LION)] {
        if uses(name) {
            out.push_str("\n\n");
            out.push_str(code);
        }
    }
    out.push_str("\n\n# --- The racers -------------------------------------------------------------------------------\n");
    out.push_str("# Each racer's optimizers (the first is the one its scheduler drives) and its input: the\n");
    out.push_str(
        "# transform (\"raw\" or \"standardize\") and the scale the pixels are multiplied by.\n",
    );
    out.push_str("RACERS = [\n");
    for (i, r) in spec.racers.iter().enumerate() {
        let input = spec.input_of(i);
        let transform = match input.transform {
            Transform::Raw => "raw",
            Transform::Standardize => "standardize",
        };
        let optimizers = if r.info.name == "muon" {
            // torch's Muon takes matrices only: the biases go to AdamW at Muon's rate, as
            // optiscape's Muon does (its documentation's advice).
            let lr = float(r.hyper.num("lr"));
            format!(
                "[{}, torch.optim.AdamW([p for p in model.parameters() if p.dim() == 1], lr={lr})]",
                optimizer_on(r, "[p for p in model.parameters() if p.dim() == 2]")
            )
        } else {
            format!("[{}]", optimizer_on(r, "model.parameters()"))
        };
        out.push_str(&format!(
            "    {{{}, \"input\": ({}, {}), \"optimizers\": lambda model: {optimizers},\n     {}}},\n",
            identity(i, r),
            string(transform),
            float(input.factor),
            schedule_and_clipping(r)
        ));
    }
    out.push_str("]\n\n\n");
    out.push_str(TRAIN);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_with_the_digits_given_is_the_embedded_ones_and_refuses_others() {
        let spec = TrainSpec::parse(
            r#"{"model": "linear", "epochs": 2, "racers": [{"name": "adam"}, {"name": "lion"}]}"#,
        )
        .unwrap();
        assert_eq!(
            train_script_with(&spec, DIGITS).unwrap(),
            train_script(&spec)
        );
        let mut other = DIGITS.to_string();
        other.replace_range(100..101, if &DIGITS[100..101] == "A" { "B" } else { "A" });
        let message = train_script_with(&spec, &other).unwrap_err();
        assert!(
            message.contains("is not the one this optiscape embeds"),
            "{message}"
        );
        assert!(train_script_with(&spec, "").is_err());
    }
}
