/** The console's Korean, its first language: every key the English has, and the English none more. */
export const ko = {
  app: {
    name: 'workmatch 운영 콘솔',
    loading: '불러오는 중…',
    retry: '다시 시도',
  },
  nav: {
    label: '메뉴',
    toggle: '메뉴 열기/닫기',
    today: '오늘',
  },
  role: {
    admin: '관리자',
    operator: '운영자',
  },
  language: {
    label: '언어',
  },
  session: {
    starting: '로그인 상태를 확인하는 중…',
    signOut: '로그아웃',
  },
  signIn: {
    title: '로그인',
    intro: '운영자와 관리자만 사용할 수 있습니다.',
    email: '이메일',
    password: '비밀번호',
    submit: '로그인',
  },
  newPassword: {
    title: '새 비밀번호 설정',
    intro: '첫 로그인입니다. 앞으로 사용할 비밀번호를 정하세요 ({{email}}).',
    newPassword: '새 비밀번호',
    confirm: '새 비밀번호 확인',
    policy: '8자 이상, 대문자·소문자·숫자·기호를 각각 하나 이상 포함',
    mismatch: '두 비밀번호가 같지 않습니다.',
    submit: '설정하고 로그인',
    restart: '처음부터 다시 로그인',
  },
  validation: {
    email: '이메일 주소를 올바르게 입력하세요.',
    passwordRequired: '비밀번호를 입력하세요.',
    passwordPolicy:
      '비밀번호는 8자 이상이며 대문자, 소문자, 숫자, 기호를 각각 하나 이상 포함해야 합니다. 앞뒤 공백은 쓸 수 없습니다.',
    tooLong: '{{maximum}}자 이하로 입력하세요.',
    invalid: '입력한 값을 확인하세요.',
  },
  problem: {
    invalid_credentials: '이메일 또는 비밀번호가 올바르지 않습니다.',
    staff_only: '운영자와 관리자만 사용할 수 있습니다.',
    too_many_failed_logins: '로그인 실패가 너무 많습니다.',
    login_throttled: '로그인 실패가 너무 많습니다.',
    too_many_requests: '요청이 너무 많습니다.',
    new_password_required: '새 비밀번호를 정해야 합니다.',
    invalid_session: '로그인 단계가 만료되었습니다. 처음부터 다시 로그인하세요.',
    validation_failed: '입력한 값을 확인하세요.',
    weak_password:
      '비밀번호는 8자 이상이며 대문자, 소문자, 숫자, 기호를 각각 하나 이상 포함해야 합니다.',
    not_confirmed: '이메일로 받은 코드로 계정을 먼저 확인하세요.',
    password_reset_required:
      '비밀번호를 재설정해야 합니다. 이메일로 받은 코드로 새 비밀번호를 정하세요.',
    console_session_missing: '로그인하세요.',
    invalid_refresh_token: '세션이 끝났습니다. 다시 로그인하세요.',
    unauthorized: '세션이 끝났습니다. 다시 로그인하세요.',
    forbidden: '이 작업을 할 권한이 없습니다.',
    sign_out_failed:
      '서버에 로그아웃을 알리지 못했습니다. 이 브라우저에 세션이 남아 있을 수 있으니 다시 로그인한 뒤 로그아웃하세요.',
    network_error: '서버에 연결할 수 없습니다. 잠시 후 다시 시도하세요.',
    service_unavailable: '서비스를 잠시 사용할 수 없습니다. 잠시 후 다시 시도하세요.',
    database_unavailable: '데이터베이스에 연결할 수 없습니다. 잠시 후 다시 시도하세요.',
    unknown: '요청을 처리하지 못했습니다 ({{code}}).',
    retryAfter: '{{time}} 후에 다시 시도하세요.',
  },
  today: {
    title: '오늘',
    stats: {
      heading: '월간 통계',
      title: '{{month}} 통계',
      generatedAt: '{{time}} 작성',
      none: '아직 월간 통계가 없습니다.',
      noneDetail: '매월 1일 06:00(KST)에 지난달 통계가 만들어집니다.',
      emptyMonth: '{{month}}에는 활동이 없었습니다.',
      versusLastMonth: '전월 대비 {{change}}',
    },
    migration: {
      title: 'Firestore 데이터 이전',
      disabled: '이 배포에서는 데이터 이전이 꺼져 있습니다 (MIGRATION_ENABLED=false).',
      summary: '{{total}}개 단계 중 {{verified}}개 검증 완료',
      noRuns: '아직 실행된 적이 없습니다.',
      lastRun: '마지막 실행: {{time}} · {{outcome}}',
      issues: '문제 {{count}}건',
      stage: '단계',
      status: '상태',
      partitions: '파티션',
      read: '읽음',
      written: '기록',
      unchanged: '변경 없음',
      skipped: '건너뜀',
      lag: '지연',
      lagMinutes: '{{value}}분',
    },
  },
  migrationStatus: {
    pending: '대기',
    copying: '복사 중',
    copied: '복사됨',
    verified: '검증됨',
    cleaned: '정리됨',
  },
  headline: {
    signUps: '신규 가입',
    identityVerified: '본인인증 완료',
    bankAccountsVerified: '계좌 인증 완료',
    businessesVerified: '사업자 인증 완료',
    shiftsPosted: '등록된 근무',
    headcountOffered: '모집 인원',
    headcountFilled: '충원 인원',
    fillRate: '충원율',
    applications: '지원',
    assignmentsCompleted: '근무 완료',
    noShowRate: '노쇼율',
    lateCancellationRate: '직전 취소율',
    hoursWorked: '근무 시간',
    grossPayKrw: '지급액(세전)',
    eligibilityRefusals: '자격 미달 거절',
  },
  unit: {
    hours: '{{value}}시간',
  },
};

type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };

/** The shape every language fills. */
export type Messages = Strings<typeof ko>;
