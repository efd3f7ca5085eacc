# The reference values of the experiment statistics tests, computed independently with SciPy
# (1.17.1 when they were written): python3 stats-reference.py
import math
from scipy import stats, special
import numpy as np

print("# distributions")
for x in [0.5, 1, 2.5, 10, 171.3]:
    print("logGamma", x, repr(special.gammaln(x)))
for a, x in [(0.5, 0.3), (2, 1), (3.5, 10), (10, 3), (50, 60)]:
    print("gammaP", a, x, repr(special.gammainc(a, x)), "gammaQ", repr(special.gammaincc(a, x)))
for x, a, b in [(0.3, 2, 3), (0.9, 0.5, 0.5), (0.01, 10, 0.5), (0.7, 30, 40)]:
    print("beta", x, a, b, repr(special.betainc(a, b, x)))
for z in [-3.2, -1, 0, 0.5, 1.96, 6]:
    print("normalCdf", z, repr(stats.norm.cdf(z)), "twoSided", repr(2 * stats.norm.sf(abs(z))))
for p in [1e-6, 0.01, 0.025, 0.5, 0.8, 0.975, 0.999999]:
    print("normalQuantile", p, repr(stats.norm.ppf(p)))
for t, df in [(2.1, 5), (0.3, 1), (4.5, 17.3), (1.96, 1000)]:
    print("studentTwoSided", t, df, repr(2 * stats.t.sf(abs(t), df)))
for p, df in [(0.975, 5), (0.975, 17.3), (0.995, 2.5), (0.1, 30)]:
    print("studentQuantile", p, df, repr(stats.t.ppf(p, df)))
for x, df in [(3.84, 1), (10, 3), (0.5, 4), (40, 10)]:
    print("chiSquareSurvival", x, df, repr(stats.chi2.sf(x, df)))

print("# two proportions: arm 120/1000 vs control 100/1000, 95%")
x1, n1, x0, n0 = 120, 1000, 100, 1000
chi2, p, dof, _ = stats.chi2_contingency([[x1, n1 - x1], [x0, n0 - x0]], correction=False)
p1, p0 = x1 / n1, x0 / n0
z = stats.norm.ppf(0.975)
se = math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
pooled = (x1 + x0) / (n1 + n0)
zstat = (p1 - p0) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
lse = math.sqrt(1 / x1 - 1 / n1 + 1 / x0 - 1 / n0)
print("z", repr(zstat), "z^2", repr(zstat ** 2), "chi2", repr(chi2), "p", repr(p))
print("absCI", repr(p1 - p0 - z * se), repr(p1 - p0 + z * se))
print("relCI", repr(math.exp(math.log(p1 / p0) - z * lse) - 1), repr(math.exp(math.log(p1 / p0) + z * lse) - 1))

print("# homogeneity, three arms")
table = [[30, 470], [45, 455], [25, 475]]
chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
print("chi2", repr(chi2), "dof", dof, "p", repr(p))

print("# goodness of fit (SRM): observed 4700, 4600, 700 for 45/45/10")
print(stats.chisquare([4700, 4600, 700], f_exp=[4500, 4500, 1000]))

print("# Welch")
a = np.array([0, 0, 12.5, 3, 0, 40, 7.25, 0, 0, 15])
b = np.array([0, 5, 0, 0, 2.5, 0, 0, 10, 0])
r = stats.ttest_ind(a, b, equal_var=False)
print("t", repr(r.statistic), "p", repr(r.pvalue), "df", repr(r.df))
ci = r.confidence_interval(0.95)
print("ci", repr(ci.low), repr(ci.high))
print("sums", a.sum(), (a * a).sum(), b.sum(), (b * b).sum())
