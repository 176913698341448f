"""How the grader starts students' kernels: in a jail (:mod:`autograder.sandbox`), forked from a
warm process (:mod:`autograder.kernels.fork`) or started fresh, reached over IPC sockets.

- :mod:`.jailed`: the jail of one kernel (its file view, files, environment, limits), and how
  the grader reaches the kernel's sockets inside it;
- :mod:`.provisioner`: ``JailProvisioner``, fresh kernels in a jail;
- :mod:`.manager`: ``SandboxKernelManager``, which picks the provisioner and interrupts by
  message (a signal would reach the jail's launcher, not the kernel);
- :mod:`.channels`: the bounds of every socket the grader opens to a kernel;
- :mod:`.preflight`: whether this machine can start a kernel in a jail, and if not, what to
  change, in an instructor's words.
"""
