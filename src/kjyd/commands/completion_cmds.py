"""``kjyd completion``: the shell completion script for a named shell, shown or installed.

``kjyd --install-completion`` / ``--show-completion`` do the same for the shell kjyd detects; this
command is for when detection fails or the script is wanted for another shell.
"""

from __future__ import annotations

import typer

from kjyd.app import command, completion_output
from kjyd.completion import SHELLS
from kjyd.errors import InputError


@command("completion")
def completion_command(
    shell: str = typer.Argument(..., metavar="shell", help="bash、zsh、fish 或 powershell。"),
    install: bool = typer.Option(False, "--install", help="安装到该 shell 的配置中（否则只显示脚本）。"),
) -> None:
    """命令补全：显示或安装某个 shell 的补全脚本，按 Tab 即可补全命令、选项和任务编号（十三、十三.2、13.2）。

    示例：kjyd completion bash --install ｜ kjyd completion zsh > ~/.zfunc/_kjyd
    """
    name = shell.strip().lower()
    if name not in SHELLS:
        raise InputError(f"不支持的 shell “{shell}”：可选 bash、zsh、fish、powershell")
    completion_output(name, install=install)
