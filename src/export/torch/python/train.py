# --- The data ----------------------------------------------------------------------------------
# The 8x8 handwritten digits: the UCI "Optical Recognition of Handwritten Digits" test set as
# scikit-learn ships it (load_digits; Alpaydin and Kaynak 1998, CC BY 4.0), in optiscape's file
# format: "OPTDIGITS1", the image count (2 bytes, little-endian), then per image its 64 pixels
# (0 to 16) and its label, one byte each; zlib-compressed, base64. The first 898 images train,
# the other 899 test, in this order (the seed notebook's split, no shuffle).
TRAIN = 898


def load_digits():
    data = zlib.decompress(base64.b64decode(DIGITS))
    assert data[:10] == b"OPTDIGITS1"
    n = int.from_bytes(data[10:12], "little")
    rows = [data[12 + 65 * i:12 + 65 * (i + 1)] for i in range(n)]
    return [[float(v) for v in row[:64]] for row in rows], [row[64] for row in rows]


def prepare(pixels, labels, transform, scale):
    """The inputs as optiscape makes them, in plain floats and the same order of operations: per
    pixel (x - mean) / (std + 1e-8) over the training images for "standardize", then times
    scale. Returns train inputs, train labels, test inputs, test labels as tensors."""
    xs = [list(row) for row in pixels]
    if transform == "standardize":
        for f in range(64):
            column = [pixels[i][f] for i in range(TRAIN)]
            mean = sum(column) / TRAIN
            std = math.sqrt(sum((v - mean) * (v - mean) for v in column) / TRAIN)
            for row, source in zip(xs, pixels):
                row[f] = (source[f] - mean) / (std + 1e-8)
    if scale != 1.0:
        xs = [[v * scale for v in row] for row in xs]
    x, y = torch.tensor(xs), torch.tensor(labels)
    return x[:TRAIN], y[:TRAIN], x[TRAIN:], y[TRAIN:]


# --- The model ---------------------------------------------------------------------------------
class Classifier(torch.nn.Module):
    """Linear 64 -> 10 (seed 000's model), or 64 -> 32 -> 10 with ReLU."""

    def __init__(self, hidden=None):
        super().__init__()
        sizes = [64, hidden, 10] if hidden else [64, 10]
        layers = []
        for fan_in, fan_out in zip(sizes, sizes[1:]):
            layers += [torch.nn.Linear(fan_in, fan_out), torch.nn.ReLU()]
        self.layers = torch.nn.Sequential(*layers[:-1])

    def forward(self, x):
        return self.layers(x)


def splitmix64(state):
    """The next state and output of SplitMix64."""
    state = (state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return state, z ^ (z >> 31)


@torch.no_grad()
def initial_weights(model, seed):
    """optiscape's initial weights, the same for every racer: torch.nn.Linear's default
    distribution, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases, drawn from SplitMix64
    seeded with `seed`, layer by layer, each weight matrix row by row, then its bias."""
    state = seed
    for layer in model.layers:
        if not isinstance(layer, torch.nn.Linear):
            continue
        bound = 1.0 / math.sqrt(layer.in_features)
        for tensor in (layer.weight, layer.bias):
            values = []
            for _ in range(tensor.numel()):
                state, z = splitmix64(state)
                values.append((2.0 * ((z >> 11) * 2.0**-53) - 1.0) * bound)
            tensor.copy_(torch.tensor(values).reshape(tensor.shape))


# --- Training (the seed notebook's loop) ---------------------------------------------------------
def train(racer, data):
    """One racer's training: every epoch's mean training loss, test accuracy and learning rate,
    stopping at the epoch where the loss or a weight stops being finite."""
    train_x, train_y, test_x, test_y = data
    model = Classifier(HIDDEN)
    initial_weights(model, SEED)
    optimizers = racer["optimizers"](model)
    opt = optimizers[0]
    schedule = racer["scheduler"](opt) if racer["scheduler"] else None
    loss_fn = torch.nn.CrossEntropyLoss()
    run = {"label": racer["label"], "epochs": [], "test_accuracy": None, "status": "ok", "diverged_at_epoch": None}
    for epoch in range(1, EPOCHS + 1):
        total = 0.0
        for start in range(0, TRAIN, BATCH_SIZE):
            inputs, labels = train_x[start:start + BATCH_SIZE], train_y[start:start + BATCH_SIZE]

            def closure():
                model.zero_grad()
                loss = loss_fn(model(inputs), labels)
                loss.backward()
                if racer["clip_grad_norm"] is not None:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), racer["clip_grad_norm"])
                if racer["clip_grad_value"] is not None:
                    torch.nn.utils.clip_grad_value_(model.parameters(), racer["clip_grad_value"])
                return loss

            if isinstance(opt, torch.optim.LBFGS):
                loss = opt.step(closure)
            else:
                loss = closure()
                for other in optimizers[1:]:  # Muon's AdamW for the biases, at Muon's rate
                    other.param_groups[0]["lr"] = opt.param_groups[0]["lr"]
                for o in optimizers:
                    o.step()
            total += loss.item() * len(labels)
            weights_finite = all(bool(torch.isfinite(p).all()) for p in model.parameters())
            if not (math.isfinite(loss.item()) and weights_finite):
                run.update(status="diverged", diverged_at_epoch=epoch)
                return run
        with torch.no_grad():
            accuracy = (model(test_x).argmax(dim=1) == test_y).double().mean().item()
        train_loss = total / TRAIN
        run["epochs"].append({"train_loss": train_loss, "test_accuracy": accuracy, "lr": float(opt.param_groups[0]["lr"])})
        run["test_accuracy"] = accuracy
        if isinstance(schedule, torch.optim.lr_scheduler.ReduceLROnPlateau):
            schedule.step(train_loss)
        elif schedule is not None:
            schedule.step()
    return run


def main():
    pixels, labels = load_digits()
    runs = []
    for racer in RACERS:
        run = train(racer, prepare(pixels, labels, *racer["input"]))
        runs.append(run)
        if "--json" not in sys.argv:
            last = run["epochs"][-1] if run["epochs"] else None
            if run["status"] == "diverged":
                print(f"{run['label']}: diverged in epoch {run['diverged_at_epoch']}")
            else:
                print(f"{run['label']}: train loss {last['train_loss']:.4f}, test accuracy {100 * last['test_accuracy']:.2f} %")
    if "--json" in sys.argv:
        # Every epoch, as `optiscape train` prints them (without the timings).
        print(json.dumps({"racers": runs}))
        return
    if "--no-plot" not in sys.argv:
        plot(runs)


def plot(runs):
    """Training loss and test accuracy per epoch, with matplotlib when it is installed; saved as
    optiscape_training.png and shown."""
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib is not installed: no plot)")
        return
    fig, (loss_ax, accuracy_ax) = plt.subplots(1, 2, figsize=(11, 4))
    for run, racer in zip(runs, RACERS):
        epochs = range(1, len(run["epochs"]) + 1)
        loss_ax.plot(epochs, [e["train_loss"] for e in run["epochs"]], color=racer["color"], label=run["label"])
        accuracy_ax.plot(epochs, [100 * e["test_accuracy"] for e in run["epochs"]], color=racer["color"], label=run["label"])
    loss_ax.set_yscale("log")
    loss_ax.set_xlabel("epoch")
    loss_ax.set_ylabel("training loss")
    accuracy_ax.set_xlabel("epoch")
    accuracy_ax.set_ylabel("test accuracy (%)")
    accuracy_ax.legend(fontsize=8)
    fig.suptitle(TITLE)
    fig.savefig("optiscape_training.png", dpi=120, bbox_inches="tight")
    print("saved optiscape_training.png")
    plt.show()


if __name__ == "__main__":
    main()
