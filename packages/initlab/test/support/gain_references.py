"""Independent references for the activation gains (numpy only): E[phi], E[phi^2], E[phi'^2] for z ~ N(0,1).

Composite Gauss-Legendre (numpy's leggauss) on unit panels over [-14, 14], split at 0 (the kink of the piecewise
activations), in float64. Prints JSON. Run: python3 packages/initlab/test/support/gain_references.py
"""
import json
import math
import numpy as np
from math import erf

x, w = np.polynomial.legendre.leggauss(40)
nodes, weights = [], []
for a in range(-14, 14):
    nodes.append(a + 0.5 + 0.5 * x)
    weights.append(0.5 * w)
z = np.concatenate(nodes)
wz = np.concatenate(weights) * np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
verf = np.vectorize(erf)
Phi = lambda t: 0.5 * (1 + verf(t / math.sqrt(2)))
pdf = lambda t: np.exp(-t * t / 2) / math.sqrt(2 * math.pi)
sig = lambda t: 1 / (1 + np.exp(-t))
sp = lambda t: np.logaddexp(0, t)
A, L = 1.6732632423543772, 1.0507009873554805
c = math.sqrt(2 / math.pi)
def gt(t):
    u = c * (t + 0.044715 * t**3)
    return 0.5 * t * (1 + np.tanh(u))
def gtp(t):
    u = c * (t + 0.044715 * t**3); th = np.tanh(u)
    return 0.5 * (1 + th) + 0.5 * t * (1 - th**2) * c * (1 + 3 * 0.044715 * t**2)
F = {
    'linear': (lambda t: t, lambda t: np.ones_like(t)),
    'relu': (lambda t: np.maximum(t, 0), lambda t: (t > 0) * 1.0),
    'leaky_relu_0.2': (lambda t: np.where(t > 0, t, 0.2 * t), lambda t: np.where(t > 0, 1.0, 0.2)),
    'elu': (lambda t: np.where(t > 0, t, np.expm1(np.minimum(t, 0))), lambda t: np.where(t > 0, 1.0, np.exp(np.minimum(t, 0)))),
    'selu': (lambda t: L * np.where(t > 0, t, A * np.expm1(np.minimum(t, 0))), lambda t: L * np.where(t > 0, 1.0, A * np.exp(np.minimum(t, 0)))),
    'gelu': (lambda t: t * Phi(t), lambda t: Phi(t) + t * pdf(t)),
    'gelu_tanh': (gt, gtp),
    'silu': (lambda t: t * sig(t), lambda t: sig(t) * (1 + t * (1 - sig(t)))),
    'mish': (lambda t: t * np.tanh(sp(t)), lambda t: np.tanh(sp(t)) + t * (1 - np.tanh(sp(t))**2) * sig(t)),
    'softplus': (sp, sig),
    'tanh': (np.tanh, lambda t: 1 - np.tanh(t)**2),
    'sigmoid': (sig, lambda t: sig(t) * (1 - sig(t))),
}
out = {}
for name, (f, fp) in F.items():
    out[name] = {'mean': float(np.sum(wz * f(z))), 'second': float(np.sum(wz * f(z)**2)), 'derivative': float(np.sum(wz * fp(z)**2))}
print(json.dumps(out, indent=1))
