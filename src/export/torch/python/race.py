# --- The race ----------------------------------------------------------------------------------
# Each racer starts at START and takes STEPS steps, as optiscape races it: before step k its
# learning rate is read, the gradient of the step's loss (with noise: that step's mini-batch loss)
# is scaled and clipped, the optimizer steps (L-BFGS evaluates the same loss again inside its step), and the
# scheduler follows. A racer whose point passes LIMIT in a coordinate or whose loss is not finite
# has diverged and stops there; textbook Newton stops at a singular Hessian.
LIMIT = 1e12


def finite(point, loss):
    return all(math.isfinite(c) and abs(c) <= LIMIT for c in point) and math.isfinite(loss)


def race(racer):
    """One racer's run: its points, losses, evaluations of the objective so far, the learning
    rate of each step, and how it ended (ok, diverged or singular, and at which step)."""
    shape = (1, 2) if racer.get("matrix") else (2,)  # torch's Muon steps matrices only
    p = torch.tensor(START).reshape(shape).requires_grad_(True)
    opt = racer["optimizer"]([p])
    schedule = racer["scheduler"](opt) if racer["scheduler"] else None
    run = {"label": racer["label"], "trajectory": [], "loss": [], "evaluations": [], "lr": [],
           "status": "ok", "diverged_at": None, "singular_at": None}
    loss = value(START)
    if not finite(START, loss):
        run.update(status="diverged", diverged_at=0)
        return run
    run["trajectory"].append(list(START))
    run["loss"].append(loss)
    run["evaluations"].append(0)
    evaluations = 0
    for k in range(STEPS):
        lr = float(opt.param_groups[0]["lr"])

        def closure():
            nonlocal evaluations
            evaluations += 1
            opt.zero_grad()
            batch = step_loss(p.reshape(-1), k)
            batch.backward()
            p.grad.mul_(SCALE)  # the gradient of SCALE * batch
            if racer["clip_grad_norm"] is not None:
                torch.nn.utils.clip_grad_norm_([p], racer["clip_grad_norm"])
            if racer["clip_grad_value"] is not None:
                torch.nn.utils.clip_grad_value_([p], racer["clip_grad_value"])
            return SCALE * batch.detach()

        if isinstance(opt, torch.optim.LBFGS):
            opt.step(closure)
        else:
            closure()
            opt.step()
        if isinstance(schedule, torch.optim.lr_scheduler.ReduceLROnPlateau):
            schedule.step(loss)  # the noise-free loss where the step's gradient was taken
        elif schedule is not None:
            schedule.step()
        if getattr(opt, "singular", False):
            run.update(status="singular", singular_at=k + 1)
            break
        point = p.detach().reshape(-1).tolist()
        loss = value(point) if all(math.isfinite(c) for c in point) else math.nan
        if not finite(point, loss):
            run.update(status="diverged", diverged_at=k + 1)
            break
        run["trajectory"].append(point)
        run["loss"].append(loss)
        run["evaluations"].append(evaluations)
        run["lr"].append(lr)
    return run


def value(point):
    """The noise-free loss at a point, as a float."""
    with torch.no_grad():
        return objective(torch.tensor(point)).item()


def summary(run):
    last = run["trajectory"][-1] if run["trajectory"] else None
    where = f"({last[0]:.6g}, {last[1]:.6g})" if last else "-"
    if run["status"] == "diverged":
        return f"{run['label']}: diverged at step {run['diverged_at']} (last finite point {where})"
    if run["status"] == "singular":
        return f"{run['label']}: stopped before step {run['singular_at']} at a singular Hessian, at {where}"
    return f"{run['label']}: step {len(run['trajectory']) - 1} at {where}, loss {run['loss'][-1]:.6g}"


def plot(runs):
    """The landscape's contours over VIEW and every racer's path, with matplotlib when it is
    installed; saved as optiscape_race.png and shown."""
    try:
        import matplotlib.pyplot as plt
        from matplotlib.colors import BoundaryNorm
    except ImportError:
        print("(matplotlib is not installed: no plot)")
        return
    n = 300
    xs = torch.linspace(VIEW[0][0], VIEW[0][1], n)
    ys = torch.linspace(VIEW[1][0], VIEW[1][1], n)
    gx, gy = torch.meshgrid(xs, ys, indexing="xy")
    with torch.no_grad():
        z = objective(torch.stack([gx, gy]))
    finite_z = z[torch.isfinite(z)]
    levels = torch.unique(torch.quantile(finite_z, torch.linspace(0, 1, 30))).tolist()
    fig, ax = plt.subplots(figsize=(7, 6))
    # Levels at quantiles of the values, coloured by their rank: every band as wide on screen.
    norm = BoundaryNorm(levels, 256)
    ax.contourf(gx.tolist(), gy.tolist(), z.tolist(), levels=levels, cmap="viridis", norm=norm, alpha=0.55)
    ax.contour(gx.tolist(), gy.tolist(), z.tolist(), levels=levels, colors="k", linewidths=0.3, alpha=0.3)
    for run, racer in zip(runs, RACERS):
        if run["trajectory"]:
            px, py = zip(*run["trajectory"])
            ax.plot(px, py, "-", color="white", lw=3, alpha=0.7)
            ax.plot(px, py, "-", color=racer["color"], lw=1.5, label=run["label"])
            ax.plot(px[-1], py[-1], "o", color=racer["color"], mec="white")
    ax.plot(*START, "ks", ms=6)
    ax.set_xlim(*VIEW[0])
    ax.set_ylim(*VIEW[1])
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(TITLE)
    ax.legend(fontsize=8)
    fig.savefig("optiscape_race.png", dpi=120, bbox_inches="tight")
    print("saved optiscape_race.png")
    plt.show()


def main():
    runs = [race(racer) for racer in RACERS]
    if "--json" in sys.argv:
        # Every point, as `optiscape run` prints them.
        print(json.dumps({"racers": runs}))
        return
    for run in runs:
        print(summary(run))
    if "--no-plot" not in sys.argv:
        plot(runs)


if __name__ == "__main__":
    main()
