import { Controller, Get, Module, Post } from '@nestjs/common';
import { CurrentPrincipal } from '../../src/platform/auth/current-principal.decorator.js';
import type { Principal } from '../../src/platform/auth/principal.js';
import {
  Admin,
  Internal,
  Member,
  Operator,
  Public,
} from '../../src/platform/auth/route-class.decorator.js';

/** One route per class, to test the guard through the real HTTP stack. */
@Controller('guarded')
class GuardedController {
  @Public()
  @Get('public')
  open() {
    return { ok: true };
  }

  @Member()
  @Get('member')
  member(@CurrentPrincipal() principal: Principal) {
    return { sub: principal.sub, groups: principal.groups };
  }

  @Operator()
  @Get('operator')
  operator() {
    return { ok: true };
  }

  @Admin()
  @Get('admin')
  admin() {
    return { ok: true };
  }

  @Internal()
  @Post('internal')
  internal() {
    return { ok: true };
  }
}

@Module({ controllers: [GuardedController] })
export class GuardedModule {}
