# The expected statistics of AnalyticsOnTheStackTest's experiment, computed independently with SciPy
# (1.17.1): python3 experiment-reference.py
import math
from scipy import stats
import numpy as np
def rev(n, conv, f):
    return np.array([f(i) if i < conv else 0.0 for i in range(n)])
A = rev(300, 60, lambda i: 5 + (i % 7))
B = rev(300, 90, lambda i: 6 + (i % 5))
H = rev(70, 7, lambda i: 4 + (i % 3))
for name, x, n, arm in [("A", 60, 300, A), ("B", 90, 300, B)]:
    chi2, p, _, _ = stats.chi2_contingency([[x, n - x], [7, 63]], correction=False)
    p1, p0 = x / n, 7 / 70
    z = stats.norm.ppf(0.975)
    se = math.sqrt(p1*(1-p1)/n + p0*(1-p0)/70)
    lse = math.sqrt(1/x - 1/n + 1/7 - 1/70)
    pooled = (x+7)/(n+70)
    zs = (p1-p0)/math.sqrt(pooled*(1-pooled)*(1/n+1/70))
    r = stats.ttest_ind(arm, H, equal_var=False)
    ci = r.confidence_interval(0.95)
    print(name, "z", repr(zs), "p", repr(p), "abs", repr(p1-p0-z*se), repr(p1-p0+z*se),
          "rel", repr(math.exp(math.log(p1/p0)-z*lse)-1), repr(math.exp(math.log(p1/p0)+z*lse)-1))
    print(name, "welch t", repr(r.statistic), "p", repr(r.pvalue), "df", repr(r.df), "ci", repr(ci.low), repr(ci.high))
chi2, p, dof, _ = stats.chi2_contingency([[60, 240], [90, 210], [7, 63]], correction=False)
print("omnibus", repr(chi2), dof, repr(p))
print("B vs A", stats.chi2_contingency([[90, 210], [60, 240]], correction=False)[1])
print("srm 45/45/10", stats.chisquare([300, 300, 70], f_exp=[670*.45, 670*.45, 67]))
print("srm 50/30/20", stats.chisquare([300, 300, 70], f_exp=[335, 201, 134]))
