class Newton(torch.optim.Optimizer):
    """Newton's method, which torch.optim does not have, written by hand as optiscape's
    reference computes it (src/optim/newton.rs, in the same order of operations):
    x <- x - lr (H + damping I)^-1 g, solved by Cholesky. Where H + damping I is not positive
    definite, fallback "gradient" takes a gradient step instead (a safeguard); fallback None is
    textbook Newton, which solves the system by Gaussian elimination whatever the curvature's sign,
    and stops (self.singular) where the matrix is singular. `hessian(p)` gives the Hessian at p."""

    def __init__(self, params, lr=1.0, damping=0.0, fallback="gradient", hessian=None):
        super().__init__(params, dict(lr=lr, damping=damping, fallback=fallback))
        self.hessian = hessian
        self.singular = False

    @staticmethod
    def damped(h, damping):
        """H + damping I, and the size at or below which a pivot counts as zero."""
        n = len(h)
        a = [[h[i][j] + (damping if i == j else 0.0) for j in range(n)] for i in range(n)]
        largest = max(abs(x) for row in a for x in row)
        return a, n * sys.float_info.epsilon * largest

    @staticmethod
    def cholesky_solve(h, damping, g):
        n = len(g)
        a, tiny = Newton.damped(h, damping)
        l = [[0.0] * n for _ in range(n)]
        for i in range(n):
            for j in range(i + 1):
                s = a[i][j]
                for k in range(j):
                    s -= l[i][k] * l[j][k]
                if i == j:
                    if not s > tiny:
                        return None
                    l[i][i] = math.sqrt(s)
                else:
                    l[i][j] = s / l[j][j]
        y = [0.0] * n
        for i in range(n):
            s = g[i]
            for k in range(i):
                s -= l[i][k] * y[k]
            y[i] = s / l[i][i]
        z = [0.0] * n
        for i in reversed(range(n)):
            s = y[i]
            for k in range(i + 1, n):
                s -= l[k][i] * z[k]
            z[i] = s / l[i][i]
        return z

    @staticmethod
    def general_solve(h, damping, g):
        n = len(g)
        a, tiny = Newton.damped(h, damping)
        b = list(g)
        for k in range(n):
            p = k
            for i in range(k + 1, n):
                if abs(a[i][k]) > abs(a[p][k]):
                    p = i
            if not abs(a[p][k]) > tiny:
                return None
            if p != k:
                a[p], a[k] = a[k], a[p]
                b[p], b[k] = b[k], b[p]
            for i in range(k + 1, n):
                f = a[i][k] / a[k][k]
                for j in range(k + 1, n):
                    a[i][j] -= f * a[k][j]
                b[i] -= f * b[k]
        z = [0.0] * n
        for i in reversed(range(n)):
            s = b[i]
            for j in range(i + 1, n):
                s -= a[i][j] * z[j]
            z[i] = s / a[i][i]
        return z

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        group = self.param_groups[0]
        (p,) = group["params"]
        g = p.grad.reshape(-1).tolist()
        h = self.hessian(p.detach()).tolist()
        z = self.cholesky_solve(h, group["damping"], g)
        if z is None:
            z = g if group["fallback"] == "gradient" else self.general_solve(h, group["damping"], g)
        self.singular = z is None
        if z is not None:
            flat = p.view(-1)
            for i in range(len(z)):
                flat[i] = flat[i].item() + -group["lr"] * z[i]
        return loss
