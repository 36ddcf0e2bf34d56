"""Run Python code as uid 65534, a grader that is not root (tests/test_sandbox.py). Needs root to set up.

    python tests/as_user.py [--refuse-userns] CODE

The code runs in a mount namespace where the Python installation is reachable by uid 65534 (it may
live under /root). With --refuse-userns it also runs in a user namespace whose limit on nested user
namespaces is 0, as on a kernel that refuses them to unprivileged users: the sysctl is per user
namespace, so nothing changes for the rest of the machine.
"""
import os
import sys

from autograder import sandbox as sb

UID = GID = 65534


def main() -> None:
    refuse = "--refuse-userns" in sys.argv
    code = sys.argv[-1]
    go_r, go_w = os.pipe()
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(go_w)
        os.close(ready_r)
        sb._unshare(sb.CLONE_NEWNS | (sb.CLONE_NEWUSER if refuse else 0))
        os.write(ready_w, b"x")
        os.read(go_r, 1)  # the parent has written our id maps
        if refuse:
            with open("/proc/sys/user/max_user_namespaces", "w") as f:
                f.write("0")
        sb._mount(None, "/", None, sb.MS_REC | sb.MS_PRIVATE)
        confinement = sb._Confinement(sb.Settings(), os.getcwd())
        problems = confinement.expose(sb._needed_paths())
        if problems:
            sys.exit(f"as_user: {problems}")
        os.setgroups([])
        os.setresgid(GID, GID, GID)
        os.setresuid(UID, UID, UID)
        os.chdir("/tmp")
        os.execv(sys.executable, [sys.executable, "-c", code])
    os.close(go_r)
    os.close(ready_w)
    os.read(ready_r, 1)
    if refuse:  # the same ids inside as outside, all of them
        for name in ("uid_map", "gid_map"):
            with open(f"/proc/{pid}/{name}", "w") as f:
                f.write("0 0 4294967295")
    os.write(go_w, b"x")
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
