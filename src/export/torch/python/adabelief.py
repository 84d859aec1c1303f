class AdaBelief(torch.optim.Optimizer):
    """AdaBelief (Zhuang et al. 2020), which torch.optim does not have, written by hand as its
    authors' package adabelief-pytorch 0.2 computes it (AdaBelief.step, in the same torch
    operations): Adam with the variance of the gradient around its mean, eps added to it in place,
    and by default RAdam's rectification (degenerated to SGD with momentum while the variance
    estimate is unreliable)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-16, weight_decay=0.0, amsgrad=False,
                 weight_decouple=True, fixed_decay=False, rectify=True, degenerated_to_sgd=True):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad))
        self.weight_decouple, self.fixed_decay = weight_decouple, fixed_decay
        self.rectify, self.degenerated_to_sgd = rectify, degenerated_to_sgd

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad.data
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p.data)
                    state["exp_avg_var"] = torch.zeros_like(p.data)
                    if group["amsgrad"]:
                        state["max_exp_avg_var"] = torch.zeros_like(p.data)
                if self.weight_decouple:
                    if not self.fixed_decay:
                        p.data.mul_(1.0 - group["lr"] * group["weight_decay"])
                    else:
                        p.data.mul_(1.0 - group["weight_decay"])
                elif group["weight_decay"] != 0:
                    grad.add_(p.data, alpha=group["weight_decay"])
                exp_avg, exp_avg_var = state["exp_avg"], state["exp_avg_var"]
                state["step"] += 1
                step = state["step"]
                bias_correction1 = 1 - beta1**step
                bias_correction2 = 1 - beta2**step
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                grad_residual = grad - exp_avg
                exp_avg_var.mul_(beta2).addcmul_(grad_residual, grad_residual, value=1 - beta2)
                if group["amsgrad"]:
                    max_exp_avg_var = state["max_exp_avg_var"]
                    torch.max(max_exp_avg_var, exp_avg_var.add_(group["eps"]), out=max_exp_avg_var)
                    denom = (max_exp_avg_var.sqrt() / math.sqrt(bias_correction2)).add_(group["eps"])
                else:
                    denom = (exp_avg_var.add_(group["eps"]).sqrt() / math.sqrt(bias_correction2)).add_(group["eps"])
                if not self.rectify:
                    p.data.addcdiv_(exp_avg, denom, value=-group["lr"] / bias_correction1)
                    continue
                beta2_t = beta2**step
                n_sma_max = 2 / (1 - beta2) - 1
                n_sma = n_sma_max - 2 * step * beta2_t / (1 - beta2_t)
                if n_sma >= 5:
                    step_size = math.sqrt(
                        (1 - beta2_t) * (n_sma - 4) / (n_sma_max - 4) * (n_sma - 2) / n_sma * n_sma_max / (n_sma_max - 2)
                    ) / (1 - beta1**step)
                elif self.degenerated_to_sgd:
                    step_size = 1.0 / (1 - beta1**step)
                else:
                    step_size = -1
                if n_sma >= 5:
                    denom = exp_avg_var.sqrt().add_(group["eps"])
                    p.data.addcdiv_(exp_avg, denom, value=-step_size * group["lr"])
                elif step_size > 0:
                    p.data.add_(exp_avg, alpha=-step_size * group["lr"])
        return loss
