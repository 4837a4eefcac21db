import { Module } from '@nestjs/common';
import { MembersController } from './members.controller.js';
import { MembersRepository } from './members.repository.js';
import { MembersService } from './members.service.js';
import { StaffMembersController } from './staff-members.controller.js';
import { StaffMembersService } from './staff-members.service.js';

@Module({
  controllers: [MembersController, StaffMembersController],
  providers: [MembersRepository, MembersService, StaffMembersService],
  exports: [MembersService],
})
export class MembersModule {}
