#!/usr/bin/python3
# Issue 14: which way of accumulating the float pass's weighted sums keeps a covariance positive definite?
# Simulates, in numpy, the statistics S0, S1, S2 of one E step (iteration 2 of the fits: weights 1/K, the
# first sample of each class as the means, the data's covariance as the covariances, + 0.1 I for digits, reg_covar
# 1e-6; iteration 1 and the responsibilities in double) from float32 data, with
#   double : the float values x - mu and the responsibility widened to double; products and sums in double (chosen)
#   float  : float products, float sums of 16 terms per lane per 256-sample block, then double (the old CPU kernel)
#   kahan  : as float, but each lane's sum compensated (Kahan)
#   scaled : as float, on features scaled by a power of two near their standard deviation
#   ff     : float-float: TwoProd (by fma) and TwoSum, all in float32 (for a device without fp64)
# and prints whether the covariance has a Cholesky factor, the smallest eigenvalue of its correlation matrix, and
# the largest error of an entry relative to sqrt(S_aa S_bb), against "double". Run from the repository root:
#
#   /usr/bin/python3 bench/float/accumulation_options.py
#
# Output on 2026-12-04 (numpy, scikit-learn 1.2.1 data):
#   breast_cancer comp 0  double ok 7.71e-12 | float FAIL -6.54e-08 err 5.2e-08 | kahan FAIL -6.54e-08 err 5.2e-08
#                         | scaled FAIL -6.54e-08 err 5.2e-08 | ff ok 7.71e-12 err 0
#   breast_cancer comp 1  all ok, min eig 1.30e-04; err float 3.6e-08, kahan 2.8e-08, ff 2.9e-08
#   digits comp 0         all ok, min eig 4.00e-02; err 5.5e-08 to 6.9e-08
#   digits comp 1         double 1.45e-06 | float/kahan/scaled 1.40e-06 err 1.5e-07 | ff 1.45e-06 err 7.5e-08
# Reading: the exact covariance of breast cancer's component 0 has a correlation eigenvalue of 7.7e-12 (it is held
# up by reg_covar alone); the rounding of float products (relative 6e-8 per entry) is 10^4 times that, and neither
# compensated sums (the error is in the products, not the sums) nor scaling (float's relative error does not depend
# on scale) change it. Exact products summed in double, or float-float (TwoProd + TwoSum), keep it.
import numpy as np, sys
import os
f32=np.float32
def load(name):
    a=np.loadtxt(os.path.join('src/test/resources/reference', 'sklearn_%s.csv' % name),delimiter=',',skiprows=1)
    return a[:,1:], a[:,0].astype(int)
def start(x,y,ridge):
    k=y.max()+1; d=x.shape[1]
    means=np.array([x[np.argmax(y==c)] for c in range(k)])
    cov=np.cov(x.T)+ridge*np.eye(d)
    return np.full(k,1.0/k), means, np.array([cov]*k)
def resp(x,w,m,c):
    k=len(w); lp=np.empty((len(x),k))
    for j in range(k):
        L=np.linalg.cholesky(c[j]); z=np.linalg.solve(L,(x-m[j]).T)
        lp[:,j]=np.log(w[j])-np.log(np.diag(L)).sum()-0.5*(z*z).sum(0)
    lp-=lp.max(1,keepdims=True); r=np.exp(lp); return r/r.sum(1,keepdims=True)
def mstep_exact(x,r,reg):
    nk=r.sum(0); m=(r.T@x)/nk[:,None]; c=[]
    for j in range(len(nk)):
        t=x-m[j]; c.append((r[:,j,None]*t).T@t/nk[j]+reg*np.eye(x.shape[1]))
    return nk/nk.sum(), m, np.array(c)
def sums(xf, r, c, method, lanes=16, block=256):
    """S0,S1,S2 about c (float mean) of one component; xf float32 data; r responsibilities (rounded to float)."""
    rf=r.astype(f32); cf=c.astype(f32); n,d=xf.shape
    if method=='double':      # widened float values, exact products, double sums
        t=xf.astype(np.float64)-cf.astype(np.float64); v=rf.astype(np.float64)[:,None]*t
        return rf.astype(np.float64).sum(), v.sum(0), v.T@t
    t=(xf-cf).astype(f32)
    if method=='ff':          # float-float: TwoProd (fma) + TwoSum, all in float32 (a GPU without fp64)
        vh=(rf[:,None]*t).astype(f32); vl=(rf.astype(np.float64)[:,None]*t.astype(np.float64)-vh).astype(f32)
        def ffsum(terms_hi, terms_lo):
            hi=np.zeros(terms_hi.shape[1:],f32); lo=np.zeros_like(hi)
            for q in range(len(terms_hi)):
                a=terms_hi[q]; s_=(hi+a).astype(f32); bb=(s_-hi).astype(f32)
                e=((hi-(s_-bb).astype(f32)).astype(f32)+(a-bb).astype(f32)).astype(f32)
                lo=(lo+(e+terms_lo[q]).astype(f32)).astype(f32); hi=s_
            return hi.astype(np.float64)+lo.astype(np.float64)
        P=(vh[:,:,None]*t[:,None,:]).astype(f32)
        Pe=(vh.astype(np.float64)[:,:,None]*t.astype(np.float64)[:,None,:]-P).astype(f32)
        Pe=(Pe+(vl[:,:,None]*t[:,None,:]).astype(f32)).astype(f32)
        return ffsum(rf[:,None],np.zeros((n,1),f32))[0], ffsum(vh,vl), ffsum(P,Pe)
    if method=='scaled':      # per-feature power-of-two scaling, then float
        s=2.0**np.round(np.log2(xf.std(0).astype(np.float64)+1e-30)); t=(t/s.astype(f32)).astype(f32)
    else: s=np.ones(d)
    v=(rf[:,None]*t).astype(f32)
    prod=(v[:,:,None]*t[:,None,:]).astype(f32)  # n x d x d float products
    S2=np.zeros((d,d)); S1=np.zeros(d)
    for b0 in range(0,n,block):
        P=prod[b0:b0+block]; V=v[b0:b0+block]
        for l in range(lanes):
            pl=P[l::lanes]; vl=V[l::lanes]
            acc=np.zeros((d,d),f32); cmp=np.zeros((d,d),f32); a1=np.zeros(d,f32)
            for q in range(len(pl)):
                if method=='kahan':
                    y=(pl[q]-cmp).astype(f32); tt=(acc+y).astype(f32); cmp=((tt-acc).astype(f32)-y).astype(f32); acc=tt
                else:
                    acc=(acc+pl[q]).astype(f32)
                a1=(a1+vl[q]).astype(f32)
            S2+=acc.astype(np.float64); S1+=a1.astype(np.float64)
    S2=S2*np.outer(s,s); S1=S1*s
    return rf.astype(np.float64).sum(), S1, S2
def cov_from(S0,S1,S2,reg):
    dl=S1/S0; return (S2-np.outer(dl,S1)-np.outer(S1,dl)+S0*np.outer(dl,dl))/S0+reg*np.eye(len(S1))
def minpivot(c):
    try: np.linalg.cholesky(c); ok=True
    except np.linalg.LinAlgError: ok=False
    sd=np.sqrt(np.abs(np.diag(c))); ev=np.linalg.eigvalsh(c/np.outer(sd,sd)).min()
    return ok, ev
for name,ridge in [('breast_cancer',0),('digits',0.1)]:
    x,y=load(name); reg=1e-6
    w,m,c=start(x,y,ridge)
    xf=x.astype(f32)
    w,m,c=mstep_exact(x, resp(x,w,m,c), reg)      # iteration 1 (double)
    r=resp(x,w,m,c)                               # E step of iteration 2
    for j in range(len(w)):
        ref=None; out=[]
        for meth in ['double','float','kahan','scaled','ff']:
            S0,S1,S2=sums(xf,r[:,j],m[j],meth)
            cv=cov_from(S0,S1,S2,reg)
            if ref is None: ref=cv
            sd=np.sqrt(np.diag(ref)); err=np.abs(cv-ref)/np.outer(sd,sd)
            ok,ev=minpivot(cv)
            out.append("%s: chol=%s min-eig(corr)=%.2e maxerr=%.1e" % (meth, 'ok' if ok else 'FAIL', ev, err.max()))
        print(name, 'comp', j, ' | '.join(out)); sys.stdout.flush()
        if name=='digits' and j>=1: break
