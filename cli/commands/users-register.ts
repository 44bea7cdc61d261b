import { Option, type Command } from 'commander';
import { ROLES } from '../../core/roles';
import type { Io } from '../output';
import { dataDirFromFlag } from '../data-dir-flag';

// Registration of the user commands; each action loads its implementation (./users) when it runs, so
// that start-up and help stay quick.

export function registerUserCommands(program: Command, io: Io, result: { code: number }): void {
  const data = () => new Option('--data <dir>', '工作站数据目录 / workstation data folder');
  const password = () =>
    new Option(
      '--password <pw>',
      '初始密码（默认随机生成；命令行里的密码会留在 shell 历史中）/ initial password (default: a random one; a password typed here stays in the shell history)',
    );
  const user = program.command('user').description('用户账号 / user accounts');
  user
    .command('add')
    .description(
      '新建用户，首次登录时须修改初始密码 / create a user, who must change the initial password at first sign-in',
    )
    .argument('<username>', '用户名 / username')
    .requiredOption('--name <name>', '姓名 / display name')
    .requiredOption('--role <role...>', `角色 / roles: ${ROLES.join(', ')}`)
    .addOption(password())
    .addOption(data())
    .action(
      async (username: string, opts: { name: string; role: string[]; password?: string; data?: string }) => {
        const { userAddCommand } = await import('./users');
        result.code = await userAddCommand(
          {
            dataDir: await dataDirFromFlag(opts.data),
            username,
            name: opts.name,
            roles: opts.role,
            ...(opts.password === undefined ? {} : { password: opts.password }),
          },
          io,
        );
      },
    );
  user
    .command('reset')
    .description(
      '重置密码（解除锁定、结束会话），下次登录时须修改 / reset a password (unlocks, ends sessions); to be changed at next sign-in',
    )
    .argument('<username>', '用户名 / username')
    .addOption(password())
    .addOption(data())
    .action(async (username: string, opts: { password?: string; data?: string }) => {
      const { userResetCommand } = await import('./users');
      result.code = await userResetCommand(
        {
          dataDir: await dataDirFromFlag(opts.data),
          username,
          ...(opts.password === undefined ? {} : { password: opts.password }),
        },
        io,
      );
    });
  user
    .command('list')
    .description('列出用户及密码状态 / list users and the state of their passwords')
    .addOption(data())
    .option('--json', '以 JSON 输出 / print JSON')
    .action(async (opts: { data?: string; json?: boolean }) => {
      const { userListCommand } = await import('./users');
      result.code = userListCommand(
        { dataDir: await dataDirFromFlag(opts.data), json: opts.json ?? false },
        io,
      );
    });
}
